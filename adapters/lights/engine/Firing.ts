import type { LightsFiringView } from '../../../server/protocol/lightsEvents.ts';
import type { EffectFixture, EffectRenderer, EffectTime } from '../effects/Effect.ts';
import type { AttributeLevels } from '../attributes.ts';

/** What the API, the UI and logs see of a running effect: exactly the view the `/lights` socket sends. */
export type FiringInfo = LightsFiringView;

export interface FiringOptions {
  id: string;
  effect: string;
  params: unknown;
  priority: number;
  layer: string | null;
  seq: number;
  /** Monotonic ms. */
  startedAt: number;
  startedAtEpoch: number;
  durationMs: number | null;
  fadeInMs: number;
  fadeOutMs: number;
  targets: readonly EffectFixture[];
  render: EffectRenderer;
  source: string;
  description: string;
}

/**
 * One effect running on some fixtures: fade in, run for its duration (or until stopped), fade out
 * ("release"), end. Times are monotonic milliseconds from the engine's clock.
 */
export class Firing {
  readonly #options: FiringOptions;
  /** When the release (fade out) started; null while running. */
  #releaseAt: number | null = null;
  #releaseMs: number;
  /** Release factor when the current (explicit) release started. */
  #releaseFrom = 1;
  readonly #time: EffectTime = { elapsedMs: 0, durationMs: null, progress: 0 };
  readonly targetsById: ReadonlyMap<string, EffectFixture>;
  /** This frame's mix (set by `prepare`). */
  frameMix = 0;

  constructor(options: FiringOptions) {
    this.#options = options;
    this.#releaseMs = options.fadeOutMs;
    this.#time.durationMs = options.durationMs;
    this.targetsById = new Map(options.targets.map((t) => [t.id, t]));
  }

  get id(): string {
    return this.#options.id;
  }
  get effect(): string {
    return this.#options.effect;
  }
  get priority(): number {
    return this.#options.priority;
  }
  get seq(): number {
    return this.#options.seq;
  }
  get fadeInMs(): number {
    return this.#options.fadeInMs;
  }
  get layer(): string | null {
    return this.#options.layer;
  }

  /** Start the fade out now (or end at once with `fadeOutMs` 0); a second call can only shorten it. */
  release(now: number, fadeOutMs = this.#options.fadeOutMs): void {
    const releaseAt = this.#effectiveReleaseAt(now);
    if (releaseAt !== null && releaseAt + this.#releaseMs <= now + fadeOutMs) return;
    // Continue from where the fade is now: a shorter second release must not jump back to full.
    this.#releaseFrom = this.#releaseFactor(now);
    this.#releaseAt = now;
    this.#releaseMs = fadeOutMs;
  }

  #naturalReleaseAt(): number | null {
    return this.#options.durationMs === null ? null : this.#options.startedAt + this.#options.durationMs;
  }

  #effectiveReleaseAt(now: number): number | null {
    if (this.#releaseAt !== null) return this.#releaseAt;
    const natural = this.#naturalReleaseAt();
    return natural !== null && natural <= now ? natural : null;
  }

  #releaseFactor(now: number): number {
    const releaseAt = this.#effectiveReleaseAt(now);
    if (releaseAt === null) return 1;
    const from = this.#releaseAt === null ? 1 : this.#releaseFrom;
    return this.#releaseMs > 0 ? from * Math.max(0, 1 - (now - releaseAt) / this.#releaseMs) : 0;
  }

  isReleasing(now: number): boolean {
    return this.#effectiveReleaseAt(now) !== null;
  }

  /** Whether the firing is over (faded out completely) at `now`. */
  ended(now: number): boolean {
    const releaseAt = this.#effectiveReleaseAt(now);
    return releaseAt !== null && now >= releaseAt + this.#releaseMs;
  }

  /** The layer's opacity at `now`: fade in, then 1, then fade out. */
  mix(now: number): number {
    const elapsed = now - this.#options.startedAt;
    const fadeIn = this.#options.fadeInMs > 0 ? Math.min(1, Math.max(0, elapsed / this.#options.fadeInMs)) : 1;
    return fadeIn * this.#releaseFactor(now);
  }

  /** Compute this frame's time and mix once for all the firing's fixtures. */
  prepare(now: number): void {
    this.timeAt(now);
    this.frameMix = this.mix(now);
  }

  /** This frame's time (after `prepare`). */
  get frameTime(): EffectTime {
    return this.#time;
  }

  /** Prepare the shared EffectTime for this frame (one object per firing, reused). */
  timeAt(now: number): EffectTime {
    const elapsed = Math.max(0, now - this.#options.startedAt);
    const duration = this.#options.durationMs;
    this.#time.elapsedMs = elapsed;
    this.#time.progress = duration === null ? 0 : duration <= 0 ? 1 : Math.min(1, elapsed / duration);
    return this.#time;
  }

  render(time: EffectTime, fixture: EffectFixture): AttributeLevels | undefined {
    return this.#options.render(time, fixture);
  }

  info(now: number): FiringInfo {
    const o = this.#options;
    return {
      id: o.id,
      effect: o.effect,
      params: o.params,
      priority: o.priority,
      layer: o.layer,
      fixtures: o.targets.map((t) => t.id),
      startedAt: o.startedAtEpoch,
      durationMs: o.durationMs,
      fadeInMs: o.fadeInMs,
      fadeOutMs: o.fadeOutMs,
      state: this.isReleasing(now) ? 'releasing' : 'running',
      source: o.source,
      description: o.description,
    };
  }
}
