import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Frame, FrameKind } from '../frames.ts';
import { DEFAULT_QUEUE_POLICY, type AnyStageDefinition, type Emit, type QueuePolicy, type StageInstance } from '../Stage.ts';
import { FrameQueue } from './FrameQueue.ts';
import { Backoff, sleep, type RestartPolicy } from './Backoff.ts';
import { StageStats } from './StageStats.ts';

export type StageRunState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface StageRunnerOptions {
  pipelineId: string;
  /** The pipeline's room (StageContext.room). */
  room: string | undefined;
  /** Stage id in the pipeline (sinks: `sink:<id>`). */
  id: string;
  definition: AnyStageDefinition;
  /** Validated options for `definition.create`. */
  options: unknown;
  /** Per input kind, overriding the definition's and the defaults. */
  queue?: Partial<Record<FrameKind, QueuePolicy>> | undefined;
  deadlineMs?: number | undefined;
  /** `process` running this long is abandoned and the stage restarted. */
  stallTimeoutMs: number;
  /** `create` running this long counts as a failed start. */
  startTimeoutMs: number;
  restart: RestartPolicy;
  logger: Logger;
  dataDir: string;
  /** Hands an output frame to whatever comes next; a promise means "wait" (backpressure). */
  route(frame: Frame): Promise<void> | undefined;
  /** What is wrong with this stage right now (undefined: nothing), whenever that changes. */
  onProblem(problem: string | undefined): void;
}

const RESOLVED: Promise<void> = Promise.resolve();
const CLOSE_TIMEOUT_MS = 1_500;
/** A stage missing its deadline on more than this share of recent frames degrades the pipeline. */
const DEADLINE_PROBLEM_RATIO = 0.2;

type Outcome = { ok: true } | { ok: false; error: unknown } | { ok: false; abandoned: true };
const OK: Outcome = { ok: true };
const ABANDONED: Outcome = { ok: false, abandoned: true };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one stage: its input queues, one instance of it, and its recovery. Nothing a stage does (throw,
 * hang, start slowly) can block the stages before it through a lossy queue or touch other pipelines:
 * - a throw drops that frame, closes the instance and creates a new one after an exponential backoff;
 * - a `process` that outlives the stall timeout is abandoned (its signal aborts) and restarted the same
 *   way, while its queue keeps shedding per policy and counting drops;
 * - frames left waiting are counted as drops by reason (`overflow`, `error`, `stall`, `stopped`).
 */
export class StageRunner {
  readonly id: string;
  readonly type: string;
  readonly inputs: readonly FrameKind[];
  readonly outputs: ReadonlySet<FrameKind>;
  readonly deadlineMs: number | undefined;
  readonly stats = new StageStats();
  state: StageRunState = 'starting';
  lastError: { message: string; at: number } | undefined;
  /** Epoch ms of the next restart while one is scheduled. */
  nextRestartAt: number | undefined;
  /** The delay chosen for the last restart (grows while failures continue). */
  lastBackoffMs: number | undefined;

  private readonly options: StageRunnerOptions;
  private readonly queues: Array<[FrameKind, FrameQueue]> = [];
  private readonly queueByKind = new Map<FrameKind, FrameQueue>();
  private readonly backoff: Backoff;
  private readonly stopController = new AbortController();
  private instance: StageInstance | undefined;
  private instanceAbort: AbortController | undefined;
  private emit: Emit<FrameKind> = () => RESOLVED;
  private generation = 0;
  private stamp = 0;
  private wake: (() => void) | undefined;
  private pending: Array<Promise<void>> | undefined;
  private busySince: number | undefined;
  private busyKind: FrameKind = 'event';
  private deadlineCounted = false;
  private abandonCurrent: (() => void) | undefined;
  private stallReason = '';
  private stopped = false;
  private loopDone: Promise<void> | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private failureProblem: string | undefined;
  private deadlineProblem: string | undefined;
  private reportedProblem: string | undefined;

  constructor(options: StageRunnerOptions) {
    this.options = options;
    this.id = options.id;
    this.type = options.definition.type;
    this.inputs = options.definition.inputs;
    this.outputs = new Set(options.definition.outputs);
    this.deadlineMs = options.deadlineMs ?? options.definition.deadlineMs;
    this.backoff = new Backoff(options.restart);
    for (const kind of this.inputs) {
      const policy: QueuePolicy = options.queue?.[kind] ?? options.definition.queue?.[kind] ?? DEFAULT_QUEUE_POLICY[kind];
      const queue = new FrameQueue(policy, {
        onOverflow: (frame) => this.stats.drop(frame.kind, 'overflow'),
        onReady: () => {
          const wake = this.wake;
          if (wake) {
            this.wake = undefined;
            wake();
          }
        },
      });
      this.queues.push([kind, queue]);
      this.queueByKind.set(kind, queue);
    }
  }

  /** Queue depth and policy per input, for metrics and the UI. */
  queueState(): Array<{ kind: FrameKind; depth: number; waiting: number; policy: QueuePolicy }> {
    return this.queues.map(([kind, queue]) => ({ kind, depth: queue.length, waiting: queue.waiting, policy: queue.policy }));
  }

  /** What is wrong right now, if anything. */
  get problem(): string | undefined {
    return this.reportedProblem;
  }

  /** How long the current frame has been processing (ms), if one is. */
  busyForMs(now = performance.now()): number | undefined {
    return this.busySince === undefined ? undefined : now - this.busySince;
  }

  /** Offer a frame to this stage's queue for its kind. A promise means the producer must wait. */
  accept(frame: Frame): Promise<void> | undefined {
    const queue = this.queueByKind.get(frame.kind);
    if (!queue) return undefined;
    this.stats.framesIn[frame.kind]++;
    return queue.push(frame, ++this.stamp);
  }

  start(): void {
    this.loopDone ??= this.run();
  }

  /** Stop for good: discard queued frames, release waiting producers, close the instance (bounded). */
  async stop(): Promise<void> {
    if (this.stopped) return this.loopDone;
    this.stopped = true;
    this.stopController.abort();
    this.generation++;
    this.instanceAbort?.abort();
    clearTimeout(this.stableTimer);
    for (const [kind, queue] of this.queues) {
      const discarded = queue.close();
      if (discarded) this.stats.drop(kind, 'stopped', discarded);
    }
    this.abandonCurrent?.();
    this.wake?.();
    await this.loopDone;
    const instance = this.instance;
    this.instance = undefined;
    await this.closeInstance(instance);
    this.state = 'stopped';
  }

  /**
   * Called a few times a second by the pipeline's watchdog: counts a deadline miss as soon as the frame
   * overruns (so a hung stage shows misses), abandons a stalled `process`, and checks the deadline ratio.
   */
  watchdog(now = performance.now()): void {
    if (this.busySince !== undefined) {
      const busy = now - this.busySince;
      if (this.deadlineMs !== undefined && !this.deadlineCounted && busy > this.deadlineMs) {
        this.deadlineCounted = true;
        this.stats.deadlineMisses++;
      }
      if (busy > this.options.stallTimeoutMs && this.abandonCurrent) {
        this.stats.stalls++;
        this.stats.drop(this.busyKind, 'stall');
        this.stallReason = `process() has not returned for ${Math.round(busy)} ms (stall timeout ${this.options.stallTimeoutMs} ms)`;
        const abandon = this.abandonCurrent;
        this.abandonCurrent = undefined;
        abandon();
      }
    }
    if (this.deadlineMs !== undefined) {
      const ratio = this.stats.recentMissRatio();
      this.deadlineProblem =
        ratio > DEADLINE_PROBLEM_RATIO ? `misses its ${this.deadlineMs} ms deadline on ${Math.round(ratio * 100)}% of recent frames` : undefined;
      this.publishProblem();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.instance) {
        await this.startInstance();
        continue;
      }
      const frame = this.take();
      if (frame === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      await this.processFrame(frame);
    }
  }

  /** The next frame in arrival order across this stage's queues. */
  private take(): Frame | undefined {
    if (this.queues.length === 1) return this.queues[0]![1].shift();
    let best: FrameQueue | undefined;
    let bestStamp = Infinity;
    for (const [, queue] of this.queues) {
      const stamp = queue.peekStamp();
      if (stamp !== undefined && stamp < bestStamp) {
        bestStamp = stamp;
        best = queue;
      }
    }
    return best?.shift();
  }

  private async startInstance(): Promise<void> {
    const generation = ++this.generation;
    const abort = new AbortController();
    this.instanceAbort = abort;
    const { definition, logger } = this.options;
    const ctx = {
      id: this.id,
      pipelineId: this.options.pipelineId,
      room: this.options.room,
      logger: logger.child({ stage: this.id, stageType: definition.type }),
      dataDir: this.options.dataDir,
      signal: abort.signal,
    };
    let timer: NodeJS.Timeout | undefined;
    const created = Promise.resolve().then(() => {
      mkdirSync(this.options.dataDir, { recursive: true });
      return definition.create(this.options.options as never, ctx);
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`create() did not finish within ${this.options.startTimeoutMs} ms`)), this.options.startTimeoutMs);
    });
    let onStop: (() => void) | undefined;
    const stopped = new Promise<undefined>((resolve) => {
      onStop = () => resolve(undefined);
      this.stopController.signal.addEventListener('abort', onStop, { once: true });
    });
    try {
      const instance = await Promise.race([created, timeout, stopped]);
      if (!instance || this.stopped || generation !== this.generation) {
        // Stopped while starting, or started too late: whatever was created must still be released.
        void created.then((late) => this.closeInstance(late), () => undefined);
        return;
      }
      if (typeof (instance as Partial<StageInstance>).process !== 'function') throw new Error('create() must return an object with a process(frame, emit) method');
      this.instance = instance;
      this.emit = this.makeEmit(generation);
      this.state = 'running';
      this.nextRestartAt = undefined;
      clearTimeout(this.stableTimer);
      this.stableTimer = setTimeout(() => {
        this.backoff.reset();
        this.failureProblem = undefined;
        this.publishProblem();
      }, this.options.restart.stableAfterMs);
      this.stableTimer.unref();
      if (!this.failureProblem) this.publishProblem();
    } catch (err) {
      void created.then((late) => this.closeInstance(late), () => undefined);
      if (this.stopped) return;
      this.stats.errors++;
      this.recordError(err);
      await this.restart(`could not start: ${messageOf(err)}`);
    } finally {
      clearTimeout(timer);
      this.stopController.signal.removeEventListener('abort', onStop!);
    }
  }

  private makeEmit(generation: number): Emit<FrameKind> {
    return (frame) => {
      // An abandoned or stopped instance may still call emit later: its frames go nowhere.
      if (generation !== this.generation || this.stopped) return RESOLVED;
      if (!this.outputs.has(frame.kind)) {
        // Thrown inside the stage's own process(), so it counts as that stage's error.
        throw new Error(`stage "${this.id}" emitted a ${frame.kind} frame but declares outputs [${[...this.outputs].join(', ')}]`);
      }
      this.stats.framesOut[frame.kind]++;
      const accepted = this.options.route(frame);
      if (!accepted) return RESOLVED;
      (this.pending ??= []).push(accepted);
      return accepted;
    };
  }

  private async processFrame(frame: Frame): Promise<void> {
    const instance = this.instance!;
    this.stats.processed++;
    this.pending = undefined;
    this.busyKind = frame.kind;
    this.deadlineCounted = false;
    const started = performance.now();
    this.busySince = started;
    let outcome: Outcome = OK;
    try {
      const result = instance.process(frame as never, this.emit);
      if ((result && typeof (result as Promise<void>).then === 'function') || this.pending) outcome = await this.settle(result);
    } catch (err) {
      outcome = { ok: false, error: err };
    }
    this.busySince = undefined;
    this.abandonCurrent = undefined;
    if (outcome.ok) {
      const ms = performance.now() - started;
      const missed = this.deadlineMs !== undefined && ms > this.deadlineMs;
      if (missed && !this.deadlineCounted) this.stats.deadlineMisses++;
      this.stats.recordLatency(ms, missed);
      return;
    }
    if (this.stopped) return;
    if ('abandoned' in outcome) {
      this.recordError(new Error(this.stallReason));
      await this.restart(`stalled: ${this.stallReason}`);
      return;
    }
    this.stats.errors++;
    this.stats.drop(frame.kind, 'error');
    this.recordError(outcome.error);
    await this.restart(`process() threw: ${messageOf(outcome.error)}`);
  }

  /** Wait for an async `process` and the emits it made, unless the watchdog abandons it first. */
  private settle(result: void | Promise<void>): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      this.abandonCurrent = () => resolve(ABANDONED);
      Promise.resolve(result)
        .then(() => (this.pending ? Promise.all(this.pending) : undefined))
        .then(
          () => resolve(OK),
          (error: unknown) => resolve({ ok: false, error }),
        );
    });
  }

  private recordError(err: unknown): void {
    this.lastError = { message: messageOf(err), at: Date.now() };
  }

  private async restart(reason: string): Promise<void> {
    const old = this.instance;
    this.instance = undefined;
    this.generation++;
    this.instanceAbort?.abort();
    clearTimeout(this.stableTimer);
    void this.closeInstance(old);
    const delay = this.backoff.next();
    this.stats.restarts++;
    this.lastBackoffMs = delay;
    this.nextRestartAt = Date.now() + delay;
    this.state = 'restarting';
    this.failureProblem = `stage "${this.id}" (${this.type}) ${reason}; restart #${this.stats.restarts} in ${delay} ms`;
    this.publishProblem();
    this.options.logger.warn({ stage: this.id, stageType: this.type, reason, restartInMs: delay, restarts: this.stats.restarts }, 'pipeline stage failed; restarting');
    await sleep(delay, this.stopController.signal);
  }

  private async closeInstance(instance: StageInstance | undefined): Promise<void> {
    if (!instance?.close) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => instance.close!()),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            this.options.logger.warn({ stage: this.id }, `close() did not finish within ${CLOSE_TIMEOUT_MS} ms; abandoned`);
            resolve();
          }, CLOSE_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      this.options.logger.warn({ stage: this.id, err: messageOf(err) }, 'stage close() failed');
    } finally {
      clearTimeout(timer);
    }
  }

  private publishProblem(): void {
    const problem = [this.failureProblem, this.deadlineProblem && `stage "${this.id}" ${this.deadlineProblem}`].filter(Boolean).join('; ') || undefined;
    if (problem === this.reportedProblem) return;
    this.reportedProblem = problem;
    this.options.onProblem(problem);
  }
}
