import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { DmxOutput } from '../lights/LightOutputs.ts';
import type { HealthReporter } from '../../server/health/HealthRegistry.ts';
import { changedChannels } from './channelNumbering.ts';
import { DMX_SLOT_COUNT, REPEATS_AFTER_CHANGE, type DmxOutputConfig } from './DmxConfig.ts';
import { openUniverseLink, type OpenedLink } from './openUniverseLink.ts';
import { TransmitSchedule } from './TransmitSchedule.ts';
import type { LinkStatus, SendResult, UniverseLink } from './UniverseLink.ts';

/** After send errors stop, wait this long before saying ok again (no ok/degraded flapping per packet). */
const RECOVERED_AFTER_MS = 1000;
/** Nothing delivered for this long while sends fail: receivers have dropped us (sACN's 2.5 s timeout). */
const DOWN_AFTER_MS = 2500;

export interface DmxTransmitterEvents {
  /** A packet for `universe` left (UDP handed to the OS, serial port drained). */
  delivered: [universe: number];
  failed: [universe: number, error: Error];
}

interface UniverseState {
  universe: number;
  wire: string;
  link: UniverseLink;
  schedule: TransmitSchedule;
  /** The newest frame from the engine (`latest[0]` is slot 1); all zeros until `hasFrame`. */
  latest: Uint8Array;
  hasFrame: boolean;
  /** What the driver holds, i.e. what its next packet carries. */
  onWire: Uint8Array;
  lastError: Error | undefined;
}

export interface DmxTransmitterDeps {
  logger: Logger;
  health: HealthReporter;
}

/**
 * One configured DMX output (Art-Net, sACN or Enttec) behind the lights engine's `DmxOutput` contract.
 * `setFrame` only records the frame; a single timer per output sends what TransmitSchedule says is due, so
 * the caller never waits on the network and a burst of frames becomes one packet per refresh period.
 * Health (`adapter:dmx:<id>`): ok; degraded while a link is unavailable (serial port missing), while a
 * universe's last send failed, and for 1 s after errors stop; down when nothing at all was delivered for
 * 2.5 s while sends fail (receivers have dropped the source by then).
 */
export class DmxTransmitter extends EventEmitter<DmxTransmitterEvents> implements DmxOutput {
  readonly id: string;
  readonly universes: readonly number[];
  private readonly states = new Map<number, UniverseState>();
  private readonly minIntervalMs: number;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private immediate: NodeJS.Immediate | undefined;
  private lastErrorAt = -Infinity;
  private lastErrorMessage = '';
  private lastDeliveredAt: number;
  private closed = false;

  /** Open every universe's driver; if one fails, close the others and throw. */
  static async open(config: DmxOutputConfig, deps: DmxTransmitterDeps): Promise<DmxTransmitter> {
    const links: OpenedLink[] = [];
    try {
      for (let i = 0; i < config.universes.length; i++) links.push(await openUniverseLink(config, i));
    } catch (err) {
      await Promise.all(links.map(({ link }) => link.close()));
      throw new Error(`DMX output "${config.id}": ${(err as Error).message}`, { cause: err });
    }
    return new DmxTransmitter(config, links, deps);
  }

  private constructor(
    private readonly config: DmxOutputConfig,
    links: readonly OpenedLink[],
    private readonly deps: DmxTransmitterDeps,
  ) {
    super();
    this.id = config.id;
    this.universes = Object.freeze(links.map((l) => l.universe));
    this.minIntervalMs = 1000 / config.refreshHz;
    this.lastDeliveredAt = performance.now();
    const timing = { minIntervalMs: this.minIntervalMs, keepAliveMs: config.keepAliveMs, repeatsAfterChange: REPEATS_AFTER_CHANGE };
    for (const { universe, wire, link } of links) {
      const state: UniverseState = {
        universe,
        wire,
        link,
        schedule: new TransmitSchedule(timing),
        latest: new Uint8Array(DMX_SLOT_COUNT),
        hasFrame: false,
        onWire: new Uint8Array(DMX_SLOT_COUNT),
        lastError: undefined,
      };
      this.states.set(universe, state);
      link.on('delivered', () => this.onDelivered(state));
      link.on('failed', (err) => this.onFailed(state, err));
      link.on('status', (status) => this.onStatus(state, status));
    }
    deps.logger.info(
      { output: this.id, refreshHz: config.refreshHz, keepAliveMs: config.keepAliveMs, universes: links.map((l) => `${l.universe} -> ${l.wire}`) },
      `DMX output "${this.id}" ready`,
    );
    this.evaluateHealth();
  }

  setFrame(universe: number, slots: Uint8Array): void {
    const state = this.states.get(universe);
    if (!state) throw new RangeError(`DMX output "${this.id}" does not carry universe ${universe} (it carries ${this.universes.join(', ')})`);
    if (slots.length !== DMX_SLOT_COUNT) throw new RangeError(`a DMX frame has ${DMX_SLOT_COUNT} slots, got ${slots.length} (universe ${universe})`);
    if (this.closed) return;
    if (state.hasFrame && Buffer.compare(state.latest, slots) === 0) return;
    state.latest.set(slots);
    state.hasFrame = true;
    state.schedule.frameChanged(performance.now());
    this.wakeBy(state.schedule.dueAt());
  }

  /** Stop sending and release every socket, timer and port. Receivers keep (or time out) the last frame. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.wakeTimer);
    if (this.immediate) clearImmediate(this.immediate);
    await Promise.all([...this.states.values()].map((s) => s.link.close()));
    this.deps.health.down('stopped');
  }

  /** Make sure a flush runs at `dueAt` (now, if it is already due). */
  private wakeBy(dueAt: number): void {
    if (this.closed || dueAt === Infinity) return;
    const now = performance.now();
    if (dueAt <= now) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
      return;
    }
    if (dueAt >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = dueAt;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Infinity;
        this.flush();
      },
      Math.max(1, Math.ceil(dueAt - now)),
    );
  }

  /** Send every universe whose packet is due, then sleep until the next one is. */
  private flush(): void {
    if (this.closed) return;
    const now = performance.now();
    let next = Infinity;
    for (const state of this.states.values()) {
      if (!state.link.status.ready) continue; // resumes on its 'status' event
      let due = state.schedule.dueAt();
      if (due <= now) {
        let result: SendResult;
        try {
          result = state.link.send(changedChannels(this.config.protocol, state.latest, state.onWire));
        } catch (err) {
          // A driver that throws must not take the server down from a timer; retried at the normal cadence.
          this.onFailed(state, err as Error);
          result = 'sent';
        }
        if (result === 'sent') {
          state.onWire.set(state.latest);
          state.schedule.sent(now);
          due = state.schedule.dueAt();
        } else if (result === 'busy') {
          due = now + this.minIntervalMs;
        } else continue;
      }
      next = Math.min(next, due);
    }
    this.wakeBy(next);
  }

  private onDelivered(state: UniverseState): void {
    this.lastDeliveredAt = performance.now();
    state.lastError = undefined;
    this.emit('delivered', state.universe);
    if (this.deps.health.state !== 'ok') this.evaluateHealth();
  }

  private onFailed(state: UniverseState, error: Error): void {
    if (this.closed) return;
    this.lastErrorAt = performance.now();
    this.lastErrorMessage = `${state.wire}: ${error.message}`;
    if (state.lastError?.message !== error.message) {
      this.deps.logger.warn({ output: this.id, universe: state.universe, err: error }, `DMX output "${this.id}": ${state.wire} failed: ${error.message}`);
    }
    state.lastError = error;
    this.emit('failed', state.universe, error);
    this.evaluateHealth();
  }

  private onStatus(state: UniverseState, status: LinkStatus): void {
    if (this.closed) return;
    if (status.ready) {
      // A fresh driver starts from zeros: everything that isn't zero has to go out again.
      state.onWire.fill(0);
      state.schedule.resendAll();
      this.deps.logger.info({ output: this.id, universe: state.universe }, `DMX output "${this.id}": ${state.wire} ready`);
      this.wakeBy(state.schedule.dueAt());
    } else {
      this.deps.logger.warn({ output: this.id, universe: state.universe }, `DMX output "${this.id}": ${status.reason}`);
    }
    this.evaluateHealth();
  }

  private evaluateHealth(): void {
    if (this.closed) return;
    const { health } = this.deps;
    const states = [...this.states.values()];
    const unavailable = states.flatMap((s) => (s.link.status.ready ? [] : [s.link.status.reason]));
    if (unavailable.length) return health.degraded(unavailable.join('; '));
    const now = performance.now();
    const failing = states.filter((s) => s.lastError);
    if (failing.length) {
      const detail = failing.map((s) => `${s.wire}: ${s.lastError!.message}`).join('; ');
      if (now - this.lastDeliveredAt >= DOWN_AFTER_MS) return health.down(`nothing delivered for over ${DOWN_AFTER_MS / 1000} s: ${detail}`);
      return health.degraded(`send failing: ${detail}`);
    }
    // Every universe delivered since its last error; ok once errors have stayed away a moment (no flapping).
    if (now - this.lastErrorAt < RECOVERED_AFTER_MS) return health.degraded(`recovering from send errors (last: ${this.lastErrorMessage})`);
    health.ok();
  }
}
