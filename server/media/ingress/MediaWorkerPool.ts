import type { Logger } from 'pino';
import type { types } from 'mediasoup';
import type { HealthReporter } from '../../health/HealthRegistry.ts';
import { MediaWorkerSlot } from './MediaWorkerSlot.ts';

export interface MediaWorkerStatus {
  index: number;
  pid: number | null;
  running: boolean;
  generation: number;
  restarts: number;
  lastDeath: string | null;
}

/**
 * The mediasoup workers (one per core by default), each kept alive by its MediaWorkerSlot. Reports the
 * `media:workers` health entry: ok while all run, degraded while one restarts, down when none runs.
 */
export class MediaWorkerPool {
  readonly slots: readonly MediaWorkerSlot[];
  private readonly health: HealthReporter;
  /** Health is judged once every worker had its first start (before that, "starting"). */
  private started = false;

  constructor(options: { count: number; settings: Pick<types.WorkerSettings, 'logLevel' | 'rtcMinPort' | 'rtcMaxPort'>; logger: Logger; health: HealthReporter }) {
    this.health = options.health;
    this.slots = Array.from({ length: options.count }, (_, index) => {
      const slot = new MediaWorkerSlot({ index, settings: options.settings, logger: options.logger });
      slot.on('up', () => this.report());
      slot.on('died', () => this.report());
      slot.on('restart-failed', () => this.report());
      return slot;
    });
  }

  async start(): Promise<void> {
    try {
      await Promise.all(this.slots.map((slot) => slot.start()));
    } catch (err) {
      await this.stop();
      throw new Error(`cannot start the mediasoup workers: ${(err as Error).message}`, { cause: err });
    }
    this.started = true;
    this.report();
  }

  slot(index: number): MediaWorkerSlot {
    const slot = this.slots[index % this.slots.length];
    if (!slot) throw new Error('no media worker slots');
    return slot;
  }

  status(): MediaWorkerStatus[] {
    return this.slots.map((slot) => ({
      index: slot.index,
      pid: slot.pid ?? null,
      running: slot.running,
      generation: slot.generation,
      restarts: slot.restarts,
      lastDeath: slot.lastDeath ?? null,
    }));
  }

  private report(): void {
    if (!this.started) return;
    const down = this.slots.filter((slot) => !slot.running);
    if (down.length === 0) this.health.ok();
    else if (down.length === this.slots.length) this.health.down(`no mediasoup worker is running (${down[0]?.lastDeath ?? 'starting'})`);
    else this.health.degraded(`${down.length} of ${this.slots.length} mediasoup workers restarting: ${down.map((s) => s.lastDeath ?? `worker ${s.index}`).join('; ')}`);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.health.down('stopped');
    await Promise.all(this.slots.map((slot) => slot.stopAndWait()));
  }
}
