/**
 * Counts "transitions" in one light signal (0..1) the way WCAG 2.3.1 / Harding analysers do: a
 * transition is a change of at least `threshold` between a local extreme and the value now, against the
 * previous transition's direction (a rise after a fall or a fall after a rise). Small wobbles never count,
 * and a long ramp in one direction counts once. Two opposing transitions make one flash.
 *
 * `darkLimit`: WCAG counts a luminance change only when the darker of the two states is below 0.8
 * (a swing between two very bright states is not a flash). Infinity disables it.
 *
 * The detector is the rule; the state of one signal lives in DETECTOR_STATE_SIZE numbers of a
 * Float64Array the caller owns (the engine keeps thousands of these, packed, per frame).
 */
export const DETECTOR_STATE_SIZE = 4;
/** +1 after a rise was counted, -1 after a fall, 0 before the first one. */
const DIRECTION = 0;
/** Highest (after a rise) or lowest (after a fall) value since the last transition. */
const EXTREME = 1;
/** Before the first transition: the range seen so far. */
const LOW = 2;
const HIGH = 3;

export class TransitionDetector {
  constructor(
    readonly threshold: number,
    readonly darkLimit = Number.POSITIVE_INFINITY,
  ) {}

  /** A fresh state at `offset` (nothing seen yet). */
  reset(state: Float64Array, offset: number): void {
    state[offset + DIRECTION] = 0;
    state[offset + EXTREME] = 0;
    state[offset + LOW] = Number.POSITIVE_INFINITY;
    state[offset + HIGH] = Number.NEGATIVE_INFINITY;
  }

  /** The transition `value` would complete: +1 a rise, -1 a fall, 0 none. Changes nothing. */
  peek(state: Float64Array, offset: number, value: number): -1 | 0 | 1 {
    const direction = state[offset + DIRECTION]!;
    if (direction === 1) {
      return state[offset + EXTREME]! - value >= this.threshold && value < this.darkLimit ? -1 : 0;
    }
    if (direction === -1) {
      const extreme = state[offset + EXTREME]!;
      return value - extreme >= this.threshold && extreme < this.darkLimit ? 1 : 0;
    }
    const low = state[offset + LOW]!;
    if (value - low >= this.threshold && low < this.darkLimit) return 1;
    if (state[offset + HIGH]! - value >= this.threshold && value < this.darkLimit) return -1;
    return 0;
  }

  /** Take `value` as the signal's next sample; returns the transition it completed (as `peek`). */
  commit(state: Float64Array, offset: number, value: number): -1 | 0 | 1 {
    const transition = this.peek(state, offset, value);
    if (transition !== 0) {
      state[offset + DIRECTION] = transition;
      state[offset + EXTREME] = value;
      return transition;
    }
    const direction = state[offset + DIRECTION]!;
    if (direction === 1) {
      if (value > state[offset + EXTREME]!) state[offset + EXTREME] = value;
    } else if (direction === -1) {
      if (value < state[offset + EXTREME]!) state[offset + EXTREME] = value;
    } else {
      if (value < state[offset + LOW]!) state[offset + LOW] = value;
      if (value > state[offset + HIGH]!) state[offset + HIGH] = value;
    }
    return 0;
  }
}
