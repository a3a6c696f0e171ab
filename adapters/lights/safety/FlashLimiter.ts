import { ATTR, ATTRIBUTE_COUNT, type Attribute } from '../attributes.ts';
import { DETECTOR_STATE_SIZE, TransitionDetector } from './TransitionDetector.ts';
import {
  LUMINANCE_DARK_LIMIT,
  LUMINANCE_THRESHOLD,
  RED_THRESHOLD,
  emitterMask,
  flashSignals,
  type EmitterMask,
  type FlashSignals,
} from './flashSignals.ts';

/**
 * Photosensitive safety for one fixture, applied to what is actually output, whatever effects ask.
 *
 * Definition (see SAFETY.md): a *transition* is an opposing change of >= 10 % in the fixture's
 * luminance or in its brightest emitter (the darker state below 80 %), or of >= 20/320 in saturated
 * red; a *flash* is a pair of opposing transitions. WCAG 2.3.1 allows three flashes in any one-second
 * period, i.e. six transitions. General (luminance/level) and red transitions are budgeted separately.
 *
 * The limiter lets at most MAX_TRANSITIONS_PER_WINDOW transitions of each kind through in any
 * LIMITER_WINDOW_MS (1.1 s: a margin over the 1 s of the definition, so output delayed unevenly on its
 * way to the fixture still keeps the limit), and once a window holds two transitions the next ones come
 * at least MIN_TRANSITION_GAP_MS apart (an even rhythm instead of a burst; a single short flash is
 * free). A frame that would make a transition it has no budget for is damped instead: the output moves
 * from the previous output towards what was asked only as far as it can without completing that
 * transition (holding the previous output in the worst case). Colour changes are damped together with
 * light level, so what the fixture shows is always a real mix of the two frames.
 *
 * The fixture's own strobe channel is held at "off": the engine cannot see flashes a fixture makes by
 * itself. Only an explicit per-fixture opt-out (`flashLimitOptOut`) bypasses all of this.
 */
/** The definition's window. */
export const WINDOW_MS = 1_000;
export const MAX_FLASHES_PER_WINDOW = 3;
export const MAX_TRANSITIONS_PER_WINDOW = MAX_FLASHES_PER_WINDOW * 2;
/** The limiter's window: 100 ms longer than the definition's, for jitter between here and the fixture. */
export const LIMITER_WINDOW_MS = WINDOW_MS + 100;
/** Spacing of transitions once a window holds two (a 10 Hz strobe becomes an even ~2.8 Hz). */
export const MIN_TRANSITION_GAP_MS = 180;

/**
 * The limiter counts with slightly stricter thresholds than the definition (10 % lower swings, a
 * darker state up to 0.82): what it lets through stays a non-flash by the definition even after 8-bit
 * DMX quantisation and whatever rounding a receiver or an analyser applies.
 */
export const LIMITER_MARGIN = 0.9;
const LUMINANCE = new TransitionDetector(LUMINANCE_THRESHOLD * LIMITER_MARGIN, LUMINANCE_DARK_LIMIT + 0.02);
const LEVEL = LUMINANCE;
const RED = new TransitionDetector(RED_THRESHOLD * LIMITER_MARGIN);

// 7 halvings: the blend is found to within 1/128 (the thresholds carry a 10 % margin).
const SEARCH_STEPS = 7;

/**
 * A budget of transitions per window: [count, oldest index, direction of the last spent, ...times]
 * (a ring of MAX_TRANSITIONS_PER_WINDOW). General transitions come from two detectors (luminance and
 * brightest emitter) that usually see the same change a frame or two apart: a transition in the same
 * direction as the last one counted is that same change, not a new one, so only direction changes spend.
 */
const BUDGET_SIZE = 3 + MAX_TRANSITIONS_PER_WINDOW;
const COUNT = 0;
const HEAD = 1;
const LAST_DIRECTION = 2;

function isNew(state: Float64Array, budget: number, direction: -1 | 0 | 1): boolean {
  return direction !== 0 && direction !== state[budget + LAST_DIRECTION];
}

function allows(state: Float64Array, budget: number, now: number): boolean {
  let count = state[budget + COUNT]!;
  let head = state[budget + HEAD]!;
  while (count > 0 && state[budget + 3 + head]! <= now - LIMITER_WINDOW_MS) {
    head = (head + 1) % MAX_TRANSITIONS_PER_WINDOW;
    count--;
  }
  state[budget + COUNT] = count;
  state[budget + HEAD] = head;
  if (count >= MAX_TRANSITIONS_PER_WINDOW) return false;
  if (count < 2) return true;
  const last = state[budget + 3 + ((head + count - 1) % MAX_TRANSITIONS_PER_WINDOW)]!;
  return now - last >= MIN_TRANSITION_GAP_MS;
}

function spend(state: Float64Array, budget: number, now: number, direction: -1 | 1): void {
  const count = state[budget + COUNT]!;
  const head = state[budget + HEAD]!;
  if (count >= MAX_TRANSITIONS_PER_WINDOW) {
    // Only reachable if a caller spent without asking: drop the oldest rather than lose the newest.
    state[budget + 3 + head] = now;
    state[budget + HEAD] = (head + 1) % MAX_TRANSITIONS_PER_WINDOW;
  } else {
    state[budget + 3 + ((head + count) % MAX_TRANSITIONS_PER_WINDOW)] = now;
    state[budget + COUNT] = count + 1;
  }
  state[budget + LAST_DIRECTION] = direction;
}

// One packed state per limiter (detectors, budgets, previous output): thousands of fixtures are limited
// every frame, and one contiguous array each keeps that cache-friendly.
const LUMINANCE_AT = 0;
const LEVEL_AT = LUMINANCE_AT + DETECTOR_STATE_SIZE;
const RED_AT = LEVEL_AT + DETECTOR_STATE_SIZE;
const GENERAL_BUDGET_AT = RED_AT + DETECTOR_STATE_SIZE;
const RED_BUDGET_AT = GENERAL_BUDGET_AT + BUDGET_SIZE;
const PREVIOUS_AT = RED_BUDGET_AT + BUDGET_SIZE;
const STATE_SIZE = PREVIOUS_AT + ATTRIBUTE_COUNT;

// Scratch shared by every limiter (the engine renders fixtures one at a time).
const candidate = new Float64Array(ATTRIBUTE_COUNT);
const signals: FlashSignals = { luminance: 0, level: 0, red: 0 };

export class FlashLimiter {
  /** Numbers of state one limiter needs (the engine packs all limiters' states in one array). */
  static readonly STATE_SIZE = STATE_SIZE;
  readonly #mask: EmitterMask;
  readonly #state: Float64Array;
  #started = false;
  /** Frames damped since the limiter was created (metrics, UI). */
  dampedFrames = 0;

  /** `state`: where to keep this limiter's state (STATE_SIZE numbers), e.g. a view into a packed array. */
  constructor(attributes: ReadonlySet<Attribute>, state: Float64Array = new Float64Array(STATE_SIZE)) {
    if (state.length !== STATE_SIZE) throw new RangeError(`a flash limiter's state is ${STATE_SIZE} numbers, got ${state.length}`);
    this.#mask = emitterMask(attributes);
    this.#state = state;
    LUMINANCE.reset(this.#state, LUMINANCE_AT);
    LEVEL.reset(this.#state, LEVEL_AT);
    RED.reset(this.#state, RED_AT);
  }

  /** Carry on from `other` (same fixture, re-patched): its flash budget and history stay in force. */
  continueFrom(other: FlashLimiter): void {
    this.#state.set(other.#state);
    this.#started = other.#started;
    this.dampedFrames = other.dampedFrames;
  }

  /**
   * Limit `levels` (this frame's wanted output, 0..1 per attribute) in place; `now` in ms on a
   * monotonic clock. Returns true when the frame was damped.
   */
  apply(levels: Float64Array, now: number): boolean {
    levels[ATTR.strobe] = 0;
    const state = this.#state;
    const s = flashSignals(levels, this.#mask, signals);
    if (!this.#started) {
      this.#started = true;
      this.#commit(levels, s, now);
      return false;
    }
    // The common case costs three comparisons: no new transition, nothing to check.
    const newGeneral = isNew(state, GENERAL_BUDGET_AT, LUMINANCE.peek(state, LUMINANCE_AT, s.luminance)) || isNew(state, GENERAL_BUDGET_AT, LEVEL.peek(state, LEVEL_AT, s.level));
    const newRed = isNew(state, RED_BUDGET_AT, RED.peek(state, RED_AT, s.red));
    if ((!newGeneral || allows(state, GENERAL_BUDGET_AT, now)) && (!newRed || allows(state, RED_BUDGET_AT, now))) {
      this.#commit(levels, s, now);
      return false;
    }
    // A blend can complete a transition the target itself doesn't: check both budgets for the search.
    const generalAllowed = allows(state, GENERAL_BUDGET_AT, now);
    const redAllowed = allows(state, RED_BUDGET_AT, now);
    // Largest step from the previous output towards `levels` that completes no unbudgeted transition.
    let low = 0;
    let high = 1;
    for (let step = 0; step < SEARCH_STEPS; step++) {
      const mid = (low + high) / 2;
      this.#blend(levels, mid);
      if (this.#acceptable(candidate, generalAllowed, redAllowed)) low = mid;
      else high = mid;
    }
    this.#blend(levels, low);
    levels.set(candidate);
    this.#commit(levels, flashSignals(levels, this.#mask, signals), now);
    this.dampedFrames++;
    return true;
  }

  #blend(target: Float64Array, alpha: number): void {
    const state = this.#state;
    for (let i = 0; i < ATTRIBUTE_COUNT; i++) {
      const previous = state[PREVIOUS_AT + i]!;
      candidate[i] = previous + alpha * (target[i]! - previous);
    }
  }

  #acceptable(levels: Float64Array, generalAllowed: boolean, redAllowed: boolean): boolean {
    const state = this.#state;
    const s = flashSignals(levels, this.#mask, signals);
    if (!generalAllowed && (isNew(state, GENERAL_BUDGET_AT, LUMINANCE.peek(state, LUMINANCE_AT, s.luminance)) || isNew(state, GENERAL_BUDGET_AT, LEVEL.peek(state, LEVEL_AT, s.level)))) {
      return false;
    }
    if (!redAllowed && isNew(state, RED_BUDGET_AT, RED.peek(state, RED_AT, s.red))) return false;
    return true;
  }

  #commit(levels: Float64Array, s: FlashSignals, now: number): void {
    const state = this.#state;
    const luminance = LUMINANCE.commit(state, LUMINANCE_AT, s.luminance);
    const level = LEVEL.commit(state, LEVEL_AT, s.level);
    if (isNew(state, GENERAL_BUDGET_AT, luminance)) spend(state, GENERAL_BUDGET_AT, now, luminance as -1 | 1);
    else if (isNew(state, GENERAL_BUDGET_AT, level)) spend(state, GENERAL_BUDGET_AT, now, level as -1 | 1);
    const red = RED.commit(state, RED_AT, s.red);
    if (isNew(state, RED_BUDGET_AT, red)) spend(state, RED_BUDGET_AT, now, red as -1 | 1);
    for (let i = 0; i < ATTRIBUTE_COUNT; i++) state[PREVIOUS_AT + i] = levels[i]!;
  }
}
