import path from 'node:path';
import type { Logger } from 'pino';
import type { Frame, FrameKind } from '../frames.ts';
import type { AnyStageDefinition } from '../Stage.ts';
import type { PipelineSpec } from '../config/pipelineConfigSchema.ts';
import type { PipelineSource, SourceReporter } from '../sources/PipelineSource.ts';
import type { RecentEvent, StageStatus } from '../protocol.ts';
import { StageRunner } from './StageRunner.ts';
import { Backoff, sleep } from './Backoff.ts';

export interface PipelineParts {
  spec: PipelineSpec;
  /** The room the pipeline acts in (StageContext.room); undefined when no rooms are configured. */
  room: string | undefined;
  source: PipelineSource;
  /** Definitions for `spec.stages`, in order. */
  stages: readonly AnyStageDefinition[];
  /** One per `spec.sinks`, in order. */
  sinks: ReadonlyArray<{ id: string; definition: AnyStageDefinition }>;
  logger: Logger;
  /** Stages get `<stagesDataDir>/<stage type>` for caches shared between pipelines. */
  stagesDataDir: string;
  /** Every change of what is wrong with this pipeline (empty: nothing). */
  onProblems(problems: string[]): void;
}

interface Route {
  targets: StageRunner[];
  /** Frames routed here have passed every stage (recorded as recent events). */
  final: boolean;
}

const WATCHDOG_MS = 250;
const RATE_SAMPLE_MS = 1_000;
const RECENT_EVENTS = 20;

/**
 * One running pipeline: a source feeding a chain of stage runners, whose events fan out to the sinks.
 * Each stage and sink has its own queues and recovery (StageRunner); the source is restarted with
 * backoff when it fails. Pipelines share nothing, so one stalling cannot slow another.
 */
export class Pipeline {
  readonly id: string;
  readonly spec: PipelineSpec;
  readonly startedAt = Date.now();
  readonly stages: StageRunner[];
  readonly sinks: StageRunner[];
  sourceFrames = 0;
  sourceFinished = false;
  private readonly parts: PipelineParts;
  /** routes[p + 1][kind]: where a frame of `kind` leaving position p goes (p = -1: the source). */
  private readonly routes: Array<Partial<Record<FrameKind, Route>>>;
  private readonly problems = new Map<string, string>();
  private readonly recent: RecentEvent[] = [];
  private readonly abort = new AbortController();
  private readonly rates = new Map<StageRunner | 'source', { at: number; in: number; out: number; inRate: number; outRate: number }>();
  private watchdog: NodeJS.Timeout | undefined;
  private sourceLoop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private lastSampleAt = 0;

  constructor(parts: PipelineParts) {
    this.parts = parts;
    this.spec = parts.spec;
    this.id = parts.spec.id;
    const common = (id: string, problemKey: string) => ({
      pipelineId: this.id,
      room: parts.room,
      id,
      restart: parts.spec.restart,
      logger: parts.logger,
      onProblem: (problem: string | undefined) => this.setProblem(problemKey, problem),
    });
    this.stages = parts.spec.stages.map((stage, index) => {
      const definition = parts.stages[index]!;
      return new StageRunner({
        ...common(stage.id, `stage:${stage.id}`),
        definition,
        options: stage.options,
        queue: stage.queue,
        deadlineMs: stage.deadlineMs,
        stallTimeoutMs: stage.stallTimeoutMs,
        startTimeoutMs: stage.startTimeoutMs,
        dataDir: path.join(parts.stagesDataDir, definition.type.replace(/[^a-z0-9_.-]/gi, '_')),
        route: (frame) => this.route(index, frame),
      });
    });
    this.sinks = parts.sinks.map(
      (sink) =>
        new StageRunner({
          ...common(`sink:${sink.id}`, `sink:${sink.id}`),
          definition: sink.definition,
          options: undefined,
          stallTimeoutMs: 30_000,
          startTimeoutMs: 10_000,
          dataDir: parts.stagesDataDir,
          route: () => undefined,
        }),
    );
    this.routes = [];
    for (let position = -1; position < this.stages.length; position++) {
      const table: Partial<Record<FrameKind, Route>> = {};
      for (const kind of ['video', 'audio', 'event'] as const) {
        const next = this.stages.slice(position + 1).find((runner) => runner.inputs.includes(kind));
        table[kind] = next ? { targets: [next], final: false } : { targets: this.sinks.filter((s) => s.inputs.includes(kind)), final: true };
      }
      this.routes.push(table);
    }
  }

  start(): void {
    for (const runner of [...this.stages, ...this.sinks]) runner.start();
    this.watchdog = setInterval(() => this.tick(), WATCHDOG_MS);
    this.watchdog.unref();
    this.sourceLoop = this.runSource();
  }

  /** Stop the source and every stage; bounded by the stages' close timeouts. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      clearInterval(this.watchdog);
      await Promise.all([this.sourceLoop, ...this.stages.map((r) => r.stop()), ...this.sinks.map((r) => r.stop())]);
    })();
    return this.stopping;
  }

  currentProblems(): string[] {
    return [...this.problems.values()];
  }

  recentEvents(): RecentEvent[] {
    return [...this.recent];
  }

  sourceProblem(): string | undefined {
    return this.problems.get('source');
  }

  /** Per-second rates from the last sample. */
  rateOf(key: StageRunner | 'source'): { inRate: number; outRate: number } {
    const sample = this.rates.get(key);
    return sample ? { inRate: sample.inRate, outRate: sample.outRate } : { inRate: 0, outRate: 0 };
  }

  stageStatus(runner: StageRunner, role: 'stage' | 'sink'): StageStatus {
    const stats = runner.stats;
    const now = Date.now();
    const quantiles = stats.quantiles();
    const busy = runner.busyForMs();
    const sum = (counts: Record<FrameKind, number>) => counts.video + counts.audio + counts.event;
    return {
      id: role === 'sink' ? runner.id.replace(/^sink:/, '') : runner.id,
      type: runner.type,
      role,
      state: runner.state,
      problem: runner.problem ?? null,
      inputs: [...runner.inputs],
      outputs: [...runner.outputs],
      queues: runner.queueState().map((q) => ({ kind: q.kind, mode: q.policy.mode, capacity: q.policy.capacity, depth: q.depth, waiting: q.waiting })),
      framesIn: sum(stats.framesIn),
      processed: stats.processed,
      framesOut: sum(stats.framesOut),
      ...this.rateOf(runner),
      latencyMs: quantiles ? { p50: round(quantiles.p50), p95: round(quantiles.p95) } : null,
      deadlineMs: runner.deadlineMs ?? null,
      deadlineMisses: stats.deadlineMisses,
      dropped: stats.droppedTotal(),
      drops: Object.fromEntries(stats.drops),
      errors: stats.errors,
      restarts: stats.restarts,
      stalls: stats.stalls,
      lastError: runner.lastError ?? null,
      lastBackoffMs: runner.lastBackoffMs ?? null,
      nextRestartInMs: runner.nextRestartAt === undefined ? null : Math.max(0, runner.nextRestartAt - now),
      busyForMs: busy === undefined ? null : Math.round(busy),
    };
  }

  private route(position: number, frame: Frame): Promise<void> | undefined {
    const route = this.routes[position + 1]![frame.kind]!;
    if (route.final && frame.kind === 'event') {
      this.recent.push({ type: frame.type, payload: frame.payload, sourceId: frame.sourceId, captureTs: frame.captureTs, at: Date.now() });
      if (this.recent.length > RECENT_EVENTS) this.recent.shift();
    }
    const targets = route.targets;
    if (targets.length === 1) return targets[0]!.accept(frame);
    let waits: Array<Promise<void>> | undefined;
    for (const target of targets) {
      const wait = target.accept(frame);
      if (wait) (waits ??= []).push(wait);
    }
    return waits && Promise.all(waits).then(() => undefined);
  }

  private async runSource(): Promise<void> {
    const backoff = new Backoff(this.spec.restart);
    const signal = this.abort.signal;
    const report: SourceReporter = {
      problem: (reason) => this.setProblem('source', reason),
      ok: () => this.setProblem('source', undefined),
    };
    const push = (frame: Frame) => {
      this.sourceFrames++;
      return this.route(-1, frame);
    };
    while (!signal.aborted) {
      try {
        await this.parts.source.run(push, signal, report);
        if (signal.aborted) return;
        this.sourceFinished = true;
        this.setProblem('source', undefined);
        this.parts.logger.info({ pipeline: this.id, source: this.parts.source.description }, 'pipeline source finished');
        return;
      } catch (err) {
        if (signal.aborted) return;
        const delay = backoff.next();
        this.setProblem('source', `source ${this.parts.source.description} failed: ${(err as Error).message}; retrying in ${delay} ms`);
        this.parts.logger.warn({ pipeline: this.id, err: (err as Error).message, retryInMs: delay }, 'pipeline source failed');
        await sleep(delay, signal);
      }
    }
  }

  private tick(): void {
    const now = performance.now();
    for (const runner of this.stages) runner.watchdog(now);
    for (const runner of this.sinks) runner.watchdog(now);
    if (now - this.lastSampleAt >= RATE_SAMPLE_MS) {
      this.sampleRates(now);
      this.lastSampleAt = now;
    }
  }

  private sampleRates(now: number): void {
    const sample = (key: StageRunner | 'source', framesIn: number, framesOut: number) => {
      const previous = this.rates.get(key);
      const seconds = previous ? (now - previous.at) / 1000 : 0;
      this.rates.set(key, {
        at: now,
        in: framesIn,
        out: framesOut,
        inRate: previous && seconds > 0 ? round((framesIn - previous.in) / seconds) : 0,
        outRate: previous && seconds > 0 ? round((framesOut - previous.out) / seconds) : 0,
      });
    };
    sample('source', this.sourceFrames, this.sourceFrames);
    for (const runner of [...this.stages, ...this.sinks]) {
      const { framesIn, framesOut } = runner.stats;
      sample(runner, framesIn.video + framesIn.audio + framesIn.event, framesOut.video + framesOut.audio + framesOut.event);
    }
  }

  private setProblem(key: string, problem: string | undefined): void {
    if (problem === this.problems.get(key)) return;
    if (problem === undefined) this.problems.delete(key);
    else this.problems.set(key, problem);
    this.parts.onProblems(this.currentProblems());
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
