import type { HandPose } from '../../../server/protocol/gestureEvents.ts';

export interface HysteresisOptions {
  /** A pose must be seen in this many consecutive frames... */
  minHoldFrames: number;
  /** ...spanning at least this long (capture time) before it starts. */
  minHoldMs: number;
  /** An active pose ends after this many consecutive frames without it... */
  releaseFrames: number;
  /** ...spanning at least this long (a one-frame flicker never ends a gesture). */
  releaseMs: number;
}

export const DEFAULT_HYSTERESIS: Readonly<HysteresisOptions> = { minHoldFrames: 3, minHoldMs: 120, releaseFrames: 3, releaseMs: 150 };

export type HysteresisTransition =
  | { phase: 'start'; label: HandPose; startedAt: number; decidedAt: number; confidence: number }
  | { phase: 'end'; label: HandPose; startedAt: number; decidedAt: number; lastSeenAt: number; confidence: number };

interface Run {
  label: HandPose | null;
  since: number;
  frames: number;
  confidenceSum: number;
}

/**
 * Debounces one hand's per-frame pose into start/end transitions. Driven only by capture timestamps of
 * the frames fed in, so it behaves the same live, on a file played fast, and under a fake clock.
 */
export class GestureHysteresis {
  private readonly options: HysteresisOptions;
  /** The current streak of identical per-frame labels (null = no pose / no hand). */
  private run: Run | undefined;
  private active: { label: HandPose; startedAt: number; lastSeenAt: number; lastConfidence: number } | undefined;

  constructor(options: Partial<HysteresisOptions> = {}) {
    this.options = { ...DEFAULT_HYSTERESIS, ...options };
  }

  /** The pose currently started, if any. */
  get current(): { label: HandPose; since: number; confidence: number } | undefined {
    return this.active && { label: this.active.label, since: this.active.startedAt, confidence: this.active.lastConfidence };
  }

  /**
   * Feed one frame's reading of this hand (`label` null: no clear pose, or no hand). Returns the
   * transitions it causes, in order (an end, then possibly a start).
   */
  observe(t: number, label: HandPose | null, confidence: number): HysteresisTransition[] {
    const o = this.options;
    if (!this.run || this.run.label !== label) this.run = { label, since: t, frames: 0, confidenceSum: 0 };
    this.run.frames++;
    this.run.confidenceSum += confidence;
    const run = this.run;
    const out: HysteresisTransition[] = [];

    if (this.active) {
      if (label === this.active.label) {
        this.active.lastSeenAt = t;
        this.active.lastConfidence = confidence;
        return out;
      }
      // Something else for long enough (counted from the first frame without it): the gesture is over.
      if (run.frames >= o.releaseFrames && t - run.since >= o.releaseMs) {
        const ended = this.active;
        out.push({ phase: 'end', label: ended.label, startedAt: ended.startedAt, decidedAt: t, lastSeenAt: ended.lastSeenAt, confidence: ended.lastConfidence });
        this.active = undefined;
      } else {
        return out;
      }
    }

    if (run.label !== null && run.frames >= o.minHoldFrames && t - run.since >= o.minHoldMs) {
      const confidence = Math.round((run.confidenceSum / run.frames) * 1000) / 1000;
      this.active = { label: run.label, startedAt: run.since, lastSeenAt: t, lastConfidence: confidence };
      out.push({ phase: 'start', label: run.label, startedAt: run.since, decidedAt: t, confidence });
    }
    return out;
  }

  /** End the active pose now (the stream stopped or the hand is gone for good). */
  release(t: number): HysteresisTransition[] {
    const ended = this.active;
    this.active = undefined;
    this.run = undefined;
    if (!ended) return [];
    return [{ phase: 'end', label: ended.label, startedAt: ended.startedAt, decidedAt: t, lastSeenAt: ended.lastSeenAt, confidence: ended.lastConfidence }];
  }
}
