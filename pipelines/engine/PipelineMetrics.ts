import { Counter, Gauge, Summary, type Registry } from 'prom-client';
import type { Pipeline } from './Pipeline.ts';
import type { StageRunner } from './StageRunner.ts';

type StageLabels = 'pipeline' | 'stage';

/** What the metrics read at scrape time. */
export interface PipelineMetricsSource {
  running(): Iterable<Pipeline>;
  /** Every configured pipeline id and whether it runs. */
  enabledStates(): Iterable<[id: string, enabled: boolean]>;
}

function* runnersOf(pipeline: Pipeline): Iterable<[StageRunner, { pipeline: string; stage: string }]> {
  for (const runner of pipeline.stages) yield [runner, { pipeline: pipeline.id, stage: runner.id }];
  for (const runner of pipeline.sinks) yield [runner, { pipeline: pipeline.id, stage: runner.id }];
}

/**
 * Per-stage figures on /metrics. Stages count on plain numbers (StageStats) and these families read
 * them at scrape time, so the per-frame cost stays a few additions; series of removed pipelines vanish
 * with them. Sinks appear as stages named `sink:<id>`.
 */
export class PipelineMetrics {
  constructor(registry: Registry, source: PipelineMetricsSource) {
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (metric: Counter<L>) => void) =>
      new Counter<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          fill(this);
        },
      });
    const perStage = (name: string, help: string, read: (runner: StageRunner) => number) =>
      counter<StageLabels>(name, help, ['pipeline', 'stage'], (metric) => {
        for (const pipeline of source.running()) for (const [runner, labels] of runnersOf(pipeline)) metric.inc(labels, read(runner));
      });

    counter<StageLabels | 'kind'>('roomcast_pipeline_stage_frames_in_total', 'Frames offered to a stage, by kind', ['pipeline', 'stage', 'kind'], (metric) => {
      for (const pipeline of source.running())
        for (const [runner, labels] of runnersOf(pipeline))
          for (const kind of runner.inputs) metric.inc({ ...labels, kind }, runner.stats.framesIn[kind]);
    });
    counter<StageLabels | 'kind'>('roomcast_pipeline_stage_frames_out_total', 'Frames a stage emitted, by kind', ['pipeline', 'stage', 'kind'], (metric) => {
      for (const pipeline of source.running())
        for (const [runner, labels] of runnersOf(pipeline))
          for (const kind of runner.outputs) metric.inc({ ...labels, kind }, runner.stats.framesOut[kind]);
    });
    counter<StageLabels | 'kind' | 'reason'>(
      'roomcast_pipeline_stage_dropped_total',
      'Frames a stage never finished: overflow (lossy queue full), error (process threw), stall (process hung), stopped',
      ['pipeline', 'stage', 'kind', 'reason'],
      (metric) => {
        for (const pipeline of source.running()) {
          for (const [runner, labels] of runnersOf(pipeline)) {
            // Every input kind shows an overflow series, zero included: "no drops" is a figure too.
            for (const kind of runner.inputs) if (!runner.stats.drops.has(`${kind}:overflow`)) metric.inc({ ...labels, kind, reason: 'overflow' }, 0);
            for (const [key, n] of runner.stats.drops) {
              const [kind, reason] = key.split(':') as [string, string];
              metric.inc({ ...labels, kind, reason }, n);
            }
          }
        }
      },
    );
    perStage('roomcast_pipeline_stage_processed_total', 'Frames handed to a stage\'s process()', (r) => r.stats.processed);
    perStage('roomcast_pipeline_stage_errors_total', 'process() or create() failures of a stage', (r) => r.stats.errors);
    perStage('roomcast_pipeline_stage_restarts_total', 'Times a stage was restarted after a failure or stall', (r) => r.stats.restarts);
    perStage('roomcast_pipeline_stage_stalls_total', 'Times a stage\'s process() outlived its stall timeout and was abandoned', (r) => r.stats.stalls);
    perStage('roomcast_pipeline_stage_deadline_misses_total', 'Frames a stage took longer than its deadline on', (r) => r.stats.deadlineMisses);
    counter<'pipeline'>('roomcast_pipeline_source_frames_total', 'Frames a pipeline\'s source produced', ['pipeline'], (metric) => {
      for (const pipeline of source.running()) metric.inc({ pipeline: pipeline.id }, pipeline.sourceFrames);
    });

    new Gauge<StageLabels | 'kind'>({
      name: 'roomcast_pipeline_stage_queue_depth',
      help: 'Frames waiting in a stage\'s input queue, by kind',
      labelNames: ['pipeline', 'stage', 'kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const pipeline of source.running())
          for (const [runner, labels] of runnersOf(pipeline))
            for (const queue of runner.queueState()) this.set({ ...labels, kind: queue.kind }, queue.depth);
      },
    });
    new Gauge<'pipeline'>({
      name: 'roomcast_pipeline_enabled',
      help: 'Whether a configured pipeline runs (1) or is disabled (0)',
      labelNames: ['pipeline'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [id, enabled] of source.enabledStates()) this.set({ pipeline: id }, enabled ? 1 : 0);
      },
    });
    registry.registerMetric(new StageLatencySummary(source));
  }
}

/**
 * `roomcast_pipeline_stage_processing_seconds`: a summary whose p50/p95 come from each stage's window of
 * the last 512 frames and whose _sum/_count cover every frame since the pipeline started.
 */
class StageLatencySummary extends Summary<StageLabels> {
  constructor(private readonly source: PipelineMetricsSource) {
    super({
      name: 'roomcast_pipeline_stage_processing_seconds',
      help: 'Time a stage\'s process() took per frame (quantiles over its last 512 frames)',
      labelNames: ['pipeline', 'stage'],
      percentiles: [0.5, 0.95],
      registers: [],
    });
  }

  override async get(): ReturnType<Summary<StageLabels>['get']> {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName?: string }> = [];
    for (const pipeline of this.source.running()) {
      for (const [runner, labels] of runnersOf(pipeline)) {
        const q = runner.stats.quantiles();
        if (q) {
          values.push({ labels: { ...labels, quantile: 0.5 }, value: q.p50 / 1000 });
          values.push({ labels: { ...labels, quantile: 0.95 }, value: q.p95 / 1000 });
        }
        values.push({ metricName: 'roomcast_pipeline_stage_processing_seconds_sum', labels, value: runner.stats.latencySumMs / 1000 });
        values.push({ metricName: 'roomcast_pipeline_stage_processing_seconds_count', labels, value: runner.stats.latencyCount });
      }
    }
    return {
      name: 'roomcast_pipeline_stage_processing_seconds',
      help: 'Time a stage\'s process() took per frame (quantiles over its last 512 frames)',
      type: 'summary' as never,
      aggregator: 'sum',
      collect: () => undefined,
      values: values as never,
    };
  }
}
