import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '../../server/log/logger.ts';
import { StageCatalog } from '../../pipelines/StageCatalog.ts';
import { BUILTIN_STAGES } from '../../pipelines/stages/builtinStages.ts';
import { pipelineSpecSchema } from '../../pipelines/config/pipelineConfigSchema.ts';
import { Pipeline } from '../../pipelines/engine/Pipeline.ts';
import { PipelineMetrics } from '../../pipelines/engine/PipelineMetrics.ts';
import { createSource } from '../../pipelines/sources/createSource.ts';
import { FAULTY_STAGES } from './fixtures/faultyStages.ts';

export const catalog = new StageCatalog(BUILTIN_STAGES).with(FAULTY_STAGES, { kind: 'plugin', plugin: 'faulty' });
const logger = createLogger({ level: 'silent' });

export interface Harness {
  pipelines: Pipeline[];
  /** Every problems list each pipeline reported, in order. */
  problems: Map<string, string[][]>;
  metricsText(): Promise<string>;
  stop(): Promise<void>;
}

/** Real pipelines (no server): specs as in roomcast.yaml, the faulty stages available, metrics on a registry. */
export function startPipelines(inputs: unknown[], baseDir = os.tmpdir()): Harness {
  const schema = pipelineSpecSchema(catalog);
  const problems = new Map<string, string[][]>();
  const pipelines = inputs.map((input) => {
    const spec = schema.parse(input);
    problems.set(spec.id, []);
    return new Pipeline({
      spec,
      room: spec.room,
      source: createSource(spec.source, { pipelineId: spec.id, baseDir, media: () => ({}), logger }),
      stages: spec.stages.map((s) => catalog.get(s.type)!),
      sinks: [],
      logger,
      stagesDataDir: path.join(os.tmpdir(), 'roomcast-engine-spec'),
      onProblems: (list) => problems.get(spec.id)!.push(list),
    });
  });
  const registry = new Registry();
  new PipelineMetrics(registry, { running: () => pipelines, enabledStates: () => pipelines.map((p) => [p.id, true] as [string, boolean]) });
  for (const p of pipelines) p.start();
  return {
    pipelines,
    problems,
    metricsText: () => registry.metrics(),
    stop: async () => void (await Promise.all(pipelines.map((p) => p.stop()))),
  };
}

/** The value of one sample line in Prometheus text, e.g. `name{a="b"}`. */
export function sample(text: string, metric: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const inner = line.slice(metric.length + 1, line.lastIndexOf('}'));
    const parts = inner.split(',');
    if (wanted.every((w) => parts.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
