import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { processAlive } from '../../supervisor/processAlive.ts';

export interface MediaWorkerSlotOptions {
  index: number;
  settings: Pick<types.WorkerSettings, 'logLevel' | 'rtcMinPort' | 'rtcMaxPort'>;
  logger: Logger;
  /** First restart delay; doubles per consecutive crash up to maxRestartDelayMs. */
  initialRestartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A worker that ran this long resets the backoff. */
  stableAfterMs?: number;
}

export interface MediaWorkerSlotEvents {
  /** A worker is running (first start or after a restart): recreate what lived on this slot. */
  up: [worker: types.Worker, generation: number];
  /** The worker died: every router, transport, producer and consumer on it is gone. */
  died: [reason: string, generation: number];
  /** A restart failed; another attempt follows after `delayMs`. */
  'restart-failed': [reason: string, delayMs: number];
}

/**
 * One mediasoup worker kept alive: mediasoup spawns the C++ process itself (so ChildSupervisor can't),
 * this restarts it with backoff when it dies. Everything built on a worker is gone with it; owners
 * listen for `died` and rebuild on `up`. `generation` increases with every new worker, so late
 * completions of work started on a dead worker can be recognised and discarded.
 */
export class MediaWorkerSlot extends EventEmitter<MediaWorkerSlotEvents> {
  readonly index: number;
  private readonly options: Required<MediaWorkerSlotOptions>;
  private worker: types.Worker | undefined;
  private waiting: Array<(worker: types.Worker) => void> = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private consecutiveCrashes = 0;
  private startedAt = 0;
  private stopped = false;
  private _generation = 0;
  private _restarts = 0;
  private _lastDeath: string | undefined;

  constructor(options: MediaWorkerSlotOptions) {
    super();
    this.index = options.index;
    this.setMaxListeners(0); // every room and session listens to its worker
    this.options = { initialRestartDelayMs: 50, maxRestartDelayMs: 5_000, stableAfterMs: 30_000, ...options };
  }

  get generation(): number {
    return this._generation;
  }

  get restarts(): number {
    return this._restarts;
  }

  get pid(): number | undefined {
    return this.worker && !this.worker.closed ? this.worker.pid : undefined;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  get lastDeath(): string | undefined {
    return this._lastDeath;
  }

  /** The live worker, or undefined while it is being restarted. */
  get current(): types.Worker | undefined {
    return this.worker && !this.worker.closed ? this.worker : undefined;
  }

  /** First start: a worker that cannot start at all is a configuration problem, so this throws. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.spawn();
  }

  /** The live worker; waits while it is being restarted. */
  async ready(): Promise<types.Worker> {
    const live = this.current;
    if (live) return live;
    if (this.stopped) throw new Error('media workers are stopped');
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async spawn(): Promise<void> {
    const worker = await mediasoup.createWorker({ ...this.options.settings, appData: { slot: this.index } });
    if (this.stopped) {
      worker.close();
      return;
    }
    this.worker = worker;
    this.startedAt = Date.now();
    this._generation++;
    const generation = this._generation;
    this.options.logger.info({ worker: this.index, workerPid: worker.pid, generation }, 'mediasoup worker running');
    worker.on('died', (error) => this.onDied(worker, generation, error));
    this.emit('up', worker, generation);
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(worker);
  }

  private onDied(worker: types.Worker, generation: number, error: Error): void {
    if (this.worker !== worker) return;
    const reason = `worker ${this.index} (pid ${worker.pid}) died: ${error.message}`;
    this._lastDeath = reason;
    this.worker = undefined;
    if (Date.now() - this.startedAt >= this.options.stableAfterMs) this.consecutiveCrashes = 0;
    this.consecutiveCrashes++;
    this.options.logger.error({ worker: this.index, workerPid: worker.pid, err: error.message }, 'mediasoup worker died; restarting it');
    this.emit('died', reason, generation);
    this.scheduleRestart();
  }

  private scheduleRestart(): number {
    if (this.stopped) return 0;
    const { initialRestartDelayMs, maxRestartDelayMs } = this.options;
    const delayMs = Math.min(maxRestartDelayMs, initialRestartDelayMs * 2 ** Math.max(0, this.consecutiveCrashes - 1));
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this._restarts++;
      this.spawn().catch((err: Error) => {
        this.consecutiveCrashes++;
        this.options.logger.error({ worker: this.index, err: err.message }, 'mediasoup worker failed to restart');
        const next = this.scheduleRestart();
        this.emit('restart-failed', err.message, next);
      });
    }, delayMs);
    return delayMs;
  }

  /** Close the worker for good (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker && !worker.closed) worker.close();
  }

  /** Close the worker and wait until its process has exited. */
  async stopAndWait(timeoutMs = 3_000): Promise<void> {
    const worker = this.worker;
    const pid = worker?.pid;
    this.stop();
    if (pid === undefined) return;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && processAlive(pid)) await new Promise((r) => setTimeout(r, 20));
  }
}

