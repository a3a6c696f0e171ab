/**
 * Rate accounting over a sliding window: the bridge uses it to decide what to drop, tests use
 * `maxInAnyWindow` to check a command log. A window is half-open, (t - windowMs, t], on both sides.
 */

/** Admits at most `limit` events in any window of `windowMs`. */
export class SlidingWindow {
  private readonly times: number[] = [];
  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
  ) {}

  /** Record an event at `now` if the window has room; false means over the limit (nothing recorded). */
  tryAdmit(now: number): boolean {
    while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) return false;
    this.times.push(now);
    return true;
  }
}

/** The largest number of `times` (sorted or not) that fall in any one window (t - windowMs, t]. */
export function maxInAnyWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
