/**
 * An independent flash counter for assertions (not the limiter's code): takes a whole recorded signal,
 * reduces it to its turning points, removes swings that don't count (smaller than `threshold`, or whose
 * darker end is not below `darkLimit`) until every remaining swing counts, and returns the time each
 * remaining swing completes. WCAG 2.3.1: a flash is a pair of opposing transitions; <= 3 flashes in any
 * one-second period means <= 6 transitions in any 1,000 ms window.
 */
export interface Sample {
  t: number;
  v: number;
}

export function transitionTimes(samples: readonly Sample[], threshold: number, darkLimit = Number.POSITIVE_INFINITY): number[] {
  // 1. Turning points (plateaus collapsed to their last sample, endpoints kept).
  const points: Sample[] = [];
  for (const s of samples) {
    const last = points.at(-1);
    if (last && last.v === s.v) {
      points[points.length - 1] = s;
      continue;
    }
    if (points.length >= 2) {
      const a = points[points.length - 2]!;
      const b = last!;
      if ((b.v - a.v) * (s.v - b.v) > 0) points.pop(); // b was not a turning point
    }
    points.push(s);
  }
  // 2. Drop non-counting swings (a pair of adjacent turning points) until only counting swings remain.
  const counts = (a: Sample, b: Sample) => Math.abs(a.v - b.v) >= threshold && Math.min(a.v, b.v) < darkLimit;
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i + 1 < points.length; i++) {
      if (counts(points[i]!, points[i + 1]!)) continue;
      if (i + 2 >= points.length) points.splice(i + 1, 1);
      else if (i === 0) points.splice(0, 1);
      else points.splice(i, 2);
      // Removing may leave two same-direction moves in a row: merge them back into one swing.
      for (let j = 1; j + 1 < points.length; j++) {
        if ((points[j]!.v - points[j - 1]!.v) * (points[j + 1]!.v - points[j]!.v) >= 0) {
          points.splice(j, 1);
          j--;
        }
      }
      changed = true;
      break;
    }
  }
  return points.slice(1).map((p) => p.t);
}

/** Most transitions in any window of `windowMs` (windows start at each transition). */
export function maxInWindow(times: readonly number[], windowMs = 1_000): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && times[j]! < times[i]! + windowMs; j++) n++;
    best = Math.max(best, n);
  }
  return best;
}

/** WCAG relative luminance of emitted light (linear levels x intensity), for fixtures with R, G, B. */
export function luminanceOf(levels: { intensity: number; red: number; green: number; blue: number }): number {
  return levels.intensity * (0.2126 * levels.red + 0.7152 * levels.green + 0.0722 * levels.blue);
}

/** WCAG saturated red: R - G - B when red is at least 80 % of the light, else 0. */
export function saturatedRedOf(levels: { intensity: number; red: number; green: number; blue: number }): number {
  const r = levels.intensity * levels.red;
  const g = levels.intensity * levels.green;
  const b = levels.intensity * levels.blue;
  const total = r + g + b;
  return total > 0 && r / total >= 0.8 ? Math.max(0, r - g - b) : 0;
}
