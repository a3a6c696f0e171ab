import type { Swipe } from '../../../server/protocol/gestureEvents.ts';
import type { Vec2 } from './handGeometry.ts';

export interface SwipeOptions {
  /** How far the palm must travel, in palm sizes (scale-free: near and far hands alike). */
  minDistance: number;
  /** Within at most this long. */
  maxDurationMs: number;
  /** Average speed over the swipe, palm sizes per second. */
  minSpeed: number;
  /** Travel along the main axis must be at least this many times the travel across it. */
  minStraightness: number;
  /** After a swipe, none in the opposite direction for this long (the hand coming back is not a swipe). */
  returnSuppressMs: number;
  /** After a swipe, none at all for this long. */
  refractoryMs: number;
  /** The image is a mirror (selfie view): swap left and right so they match the user's own. */
  mirrored: boolean;
}

export const DEFAULT_SWIPE_OPTIONS: Readonly<SwipeOptions> = {
  minDistance: 2.2,
  maxDurationMs: 700,
  minSpeed: 4,
  minStraightness: 2,
  returnSuppressMs: 800,
  refractoryMs: 300,
  mirrored: false,
};

export interface DetectedSwipe {
  label: Swipe;
  /** Capture time of the sample the motion started from. */
  startedAt: number;
  /** Distance travelled along the main axis, palm sizes. */
  distance: number;
  /** Palm sizes per second. */
  speed: number;
}

interface Sample {
  t: number;
  /** Palm centre, image-plane units. */
  x: number;
  y: number;
  size: number;
}

const OPPOSITE: Record<Swipe, Swipe> = { swipe_left: 'swipe_right', swipe_right: 'swipe_left', swipe_up: 'swipe_down', swipe_down: 'swipe_up' };

/**
 * Swipes from the palm centre's path over recent frames: far enough, fast enough and straight enough.
 * Travel is measured in palm sizes, so a hand near the camera and one across the room need the same
 * gesture. Jitter of a still hand never adds up to a
 * swipe: it must cover `minDistance` palm sizes, mostly along one axis, within `maxDurationMs`.
 */
export class SwipeDetector {
  private readonly options: SwipeOptions;
  private samples: Sample[] = [];
  private last: { label: Swipe; at: number } | undefined;

  constructor(options: Partial<SwipeOptions> = {}) {
    this.options = { ...DEFAULT_SWIPE_OPTIONS, ...options };
  }

  /** The hand left the picture (or tracking was lost): motion before it does not continue after it. */
  reset(): void {
    this.samples = [];
  }

  /** Add the palm position of one frame; returns a swipe when this frame completes one. */
  add(t: number, palmCentre: Vec2, palmSize: number): DetectedSwipe | undefined {
    if (!(palmSize > 0)) return undefined;
    const o = this.options;
    const sample: Sample = { t, x: palmCentre[0], y: palmCentre[1], size: palmSize };
    // Out-of-order or repeated timestamps would make speeds meaningless.
    if (this.samples.length && t <= this.samples.at(-1)!.t) this.samples = [];
    this.samples.push(sample);
    while (this.samples.length && t - this.samples[0]!.t > o.maxDurationMs) this.samples.shift();
    if (this.last && t - this.last.at < o.refractoryMs) return undefined;

    // The longest qualifying motion ending now, starting from the oldest sample still in the window.
    for (const from of this.samples) {
      const dt = t - from.t;
      if (dt <= 0) break;
      // In palm sizes, averaged over the two ends (a hand coming closer grows; that is not motion).
      const scale = (sample.size + from.size) / 2;
      const dx = (sample.x - from.x) / scale;
      const dy = (sample.y - from.y) / scale;
      const horizontal = Math.abs(dx) >= Math.abs(dy);
      const along = horizontal ? Math.abs(dx) : Math.abs(dy);
      const across = horizontal ? Math.abs(dy) : Math.abs(dx);
      if (along < o.minDistance) continue;
      if (across * o.minStraightness > along) continue;
      const speed = along / (dt / 1000);
      if (speed < o.minSpeed) continue;
      let label: Swipe = horizontal ? (dx < 0 ? 'swipe_left' : 'swipe_right') : dy < 0 ? 'swipe_up' : 'swipe_down';
      if (o.mirrored && horizontal) label = OPPOSITE[label];
      if (this.last && OPPOSITE[this.last.label] === label && t - this.last.at < o.returnSuppressMs) {
        // The way back: swallow it, and start over from here.
        this.samples = [sample];
        return undefined;
      }
      this.last = { label, at: t };
      this.samples = [sample];
      return { label, startedAt: from.t, distance: Math.round(along * 100) / 100, speed: Math.round(speed * 10) / 10 };
    }
    return undefined;
  }
}
