import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { MediaWorkerPool } from './MediaWorkerPool.ts';
import type { MediaWorkerSlot } from './MediaWorkerSlot.ts';
import { ROUTER_MEDIA_CODECS } from './mediaCodecs.ts';

export interface RoomRouter {
  router: types.Router;
  slot: MediaWorkerSlot;
  /** The slot's generation the router was created in. */
  generation: number;
  /** The router publishers send to (the others only carry listeners, fed through pipeToRouter). */
  primary: boolean;
  consumers: number;
}

/** Count a consumer (listener or tap) against its router's capacity until it closes. */
export function countConsumer(entry: RoomRouter, consumer: types.Consumer): void {
  entry.consumers++;
  consumer.observer.once('close', () => entry.consumers--);
}

export interface RoomMediaEvents {
  /** The primary router exists again (first start or after its worker restarted): rebuild what lived on it. */
  'primary-up': [router: types.Router];
  /** A router of this room is gone with its worker; everything on it is closed. */
  'router-lost': [router: types.Router, primary: boolean, reason: string];
}

/**
 * One room's routers. Publishers and taps live on the primary router (on the room's own worker). When
 * the primary router has `maxConsumersPerRouter` consumers, listeners go to a router of the same room on
 * another worker, fed with pipeToRouter: mediasoup serves ~500 consumers per worker and core.
 */
export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  readonly id: string;
  private readonly pool: MediaWorkerPool;
  private readonly primarySlot: MediaWorkerSlot;
  private readonly maxConsumersPerRouter: number;
  private readonly logger: Logger;
  private primaryRouter: RoomRouter | undefined;
  private primaryWaiters: Array<(router: RoomRouter) => void> = [];
  /** Listener routers on other workers, by slot index (a promise while being created). */
  private readonly overflow = new Map<number, RoomRouter | Promise<RoomRouter>>();
  /** Producers piped into each overflow router, by router id (a promise while piping). */
  private readonly piped = new Map<string, Map<string, Promise<void>>>();
  private closed = false;

  constructor(options: { id: string; pool: MediaWorkerPool; primarySlot: number; maxConsumersPerRouter: number; logger: Logger }) {
    super();
    this.id = options.id;
    this.pool = options.pool;
    this.primarySlot = options.pool.slot(options.primarySlot);
    this.maxConsumersPerRouter = options.maxConsumersPerRouter;
    this.logger = options.logger.child({ room: options.id });
    this.primarySlot.on('up', (worker, generation) => void this.createPrimary(worker, generation));
    for (const slot of this.pool.slots) slot.on('died', (reason) => this.onSlotDied(slot, reason));
  }

  get workerIndex(): number {
    return this.primarySlot.index;
  }

  async start(): Promise<void> {
    const worker = await this.primarySlot.ready();
    await this.createPrimary(worker, this.primarySlot.generation);
  }

  private async createPrimary(worker: types.Worker, generation: number): Promise<void> {
    if (this.closed) return;
    try {
      const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { room: this.id, primary: true } });
      if (this.closed || worker.closed) return;
      const entry: RoomRouter = { router, slot: this.primarySlot, generation, primary: true, consumers: 0 };
      this.primaryRouter = entry;
      this.logger.debug({ worker: this.primarySlot.index, generation }, 'room router ready');
      const waiters = this.primaryWaiters;
      this.primaryWaiters = [];
      for (const resolve of waiters) resolve(entry);
      this.emit('primary-up', router);
    } catch (err) {
      // The worker died while we asked: its `up` after the restart tries again.
      this.logger.warn({ err: (err as Error).message }, 'could not create the room router');
    }
  }

  private onSlotDied(slot: MediaWorkerSlot, reason: string): void {
    if (this.primaryRouter?.slot === slot) {
      const lost = this.primaryRouter;
      this.primaryRouter = undefined;
      this.piped.clear(); // every pipe started from the primary router
      this.emit('router-lost', lost.router, true, reason);
    }
    const overflow = this.overflow.get(slot.index);
    if (overflow) {
      this.overflow.delete(slot.index);
      if (!(overflow instanceof Promise)) {
        this.piped.delete(overflow.router.id);
        this.emit('router-lost', overflow.router, false, reason);
      }
    }
  }

  /** The primary router now, if its worker is up. */
  current(): RoomRouter | undefined {
    return this.primaryRouter && !this.primaryRouter.router.closed ? this.primaryRouter : undefined;
  }

  /** The primary router; waits while its worker restarts. */
  async primary(): Promise<RoomRouter> {
    const current = this.current();
    if (current) return current;
    if (this.closed) throw new Error(`room "${this.id}" is closed`);
    return new Promise((resolve) => this.primaryWaiters.push(resolve));
  }

  /** Find a room router by id (primary or overflow). */
  routerById(routerId: string): RoomRouter | undefined {
    if (this.primaryRouter?.router.id === routerId) return this.primaryRouter;
    for (const entry of this.overflow.values()) if (!(entry instanceof Promise) && entry.router.id === routerId) return entry;
    return undefined;
  }

  /**
   * Where the next listener's receive transport goes: the primary router while it has room for more
   * consumers, else the least loaded overflow router with room, else a new one on the next worker.
   */
  async routerForListener(): Promise<RoomRouter> {
    const primary = await this.primary();
    if (primary.consumers < this.maxConsumersPerRouter || this.pool.slots.length === 1) return primary;
    const ready = [...this.overflow.values()].filter((e): e is RoomRouter => !(e instanceof Promise) && !e.router.closed);
    const withRoom = ready.filter((e) => e.consumers < this.maxConsumersPerRouter).sort((a, b) => a.consumers - b.consumers)[0];
    if (withRoom) return withRoom;
    // Next worker without an overflow router of this room (round robin from the room's own worker).
    for (let step = 1; step < this.pool.slots.length; step++) {
      const slot = this.pool.slot(this.primarySlot.index + step);
      const existing = this.overflow.get(slot.index);
      if (existing instanceof Promise) return existing;
      if (existing) continue;
      const creating = this.createOverflow(slot);
      this.overflow.set(slot.index, creating);
      return creating;
    }
    // Every worker already carries this room: take the least loaded router even if it is over the mark.
    return [primary, ...ready].sort((a, b) => a.consumers - b.consumers)[0]!;
  }

  private async createOverflow(slot: MediaWorkerSlot): Promise<RoomRouter> {
    try {
      const worker = await slot.ready();
      const generation = slot.generation;
      const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { room: this.id, primary: false } });
      const entry: RoomRouter = { router, slot, generation, primary: false, consumers: 0 };
      if (this.overflow.get(slot.index) instanceof Promise) this.overflow.set(slot.index, entry);
      this.logger.info({ worker: slot.index }, 'listener overflow router created (pipeToRouter from the room router)');
      return entry;
    } catch (err) {
      this.overflow.delete(slot.index);
      throw err;
    }
  }

  /** Make `producerId` (on the primary router) consumable on `target` (no-op for the primary itself). */
  async ensureProducer(target: RoomRouter, producerId: string): Promise<void> {
    if (target.primary) return;
    let perRouter = this.piped.get(target.router.id);
    if (!perRouter) this.piped.set(target.router.id, (perRouter = new Map()));
    let piping = perRouter.get(producerId);
    if (!piping) {
      const routerPipes = perRouter;
      piping = (async () => {
        const primary = await this.primary();
        const { pipeProducer } = await primary.router.pipeToRouter({ producerId, router: target.router });
        // When the source producer goes, the piped one closes too: pipe it again next time.
        pipeProducer?.observer.once('close', () => routerPipes.delete(producerId));
      })();
      perRouter.set(producerId, piping);
      piping.catch(() => routerPipes.delete(producerId));
    }
    await piping;
  }

  /** Count a consumer against its router's capacity until it closes. */
  trackConsumer(entry: RoomRouter, consumer: types.Consumer): void {
    countConsumer(entry, consumer);
  }

  stats(): { worker: number; routers: Array<{ worker: number; primary: boolean; consumers: number }> } {
    const routers = [this.primaryRouter, ...this.overflow.values()].filter((e): e is RoomRouter => !!e && !(e instanceof Promise) && !e.router.closed);
    return { worker: this.primarySlot.index, routers: routers.map((e) => ({ worker: e.slot.index, primary: e.primary, consumers: e.consumers })) };
  }

  close(): void {
    this.closed = true;
    this.primaryRouter?.router.close();
    for (const entry of this.overflow.values()) if (!(entry instanceof Promise)) entry.router.close();
    this.overflow.clear();
  }
}
