import type { FrameKind } from '../frames.ts';

/** Why a frame did not make it through a stage. */
export type DropReason =
  /** Its lossy queue was full (the stage is slower than its input). */
  | 'overflow'
  /** `process` threw on it. */
  | 'error'
  /** `process` never returned; the instance was abandoned. */
  | 'stall'
  /** Still queued when the stage stopped (pipeline disabled, reloaded, server stopping). */
  | 'stopped';

const WINDOW = 512;
const MISS_WINDOW = 50;

/**
 * Plain counters one stage updates on its hot path; metrics and the UI read them (metrics at scrape
 * time), so counting a frame costs a few additions rather than a label-hash lookup each.
 */
export class StageStats {
  readonly framesIn: Record<FrameKind, number> = { video: 0, audio: 0, event: 0 };
  readonly framesOut: Record<FrameKind, number> = { video: 0, audio: 0, event: 0 };
  /** `${kind}:${reason}` -> count. */
  readonly drops = new Map<`${FrameKind}:${DropReason}`, number>();
  processed = 0;
  errors = 0;
  restarts = 0;
  stalls = 0;
  deadlineMisses = 0;
  /** Processing time of every frame, for the summary's _sum/_count. */
  latencySumMs = 0;
  latencyCount = 0;
  private readonly window = new Float64Array(WINDOW);
  private windowNext = 0;
  private windowSize = 0;
  private readonly misses = new Uint8Array(MISS_WINDOW);
  private missesNext = 0;
  private missesSize = 0;

  drop(kind: FrameKind, reason: DropReason, count = 1): void {
    const key = `${kind}:${reason}` as const;
    this.drops.set(key, (this.drops.get(key) ?? 0) + count);
  }

  droppedTotal(): number {
    let total = 0;
    for (const n of this.drops.values()) total += n;
    return total;
  }

  recordLatency(ms: number, missed: boolean): void {
    this.latencySumMs += ms;
    this.latencyCount++;
    this.window[this.windowNext] = ms;
    this.windowNext = (this.windowNext + 1) % WINDOW;
    if (this.windowSize < WINDOW) this.windowSize++;
    this.misses[this.missesNext] = missed ? 1 : 0;
    this.missesNext = (this.missesNext + 1) % MISS_WINDOW;
    if (this.missesSize < MISS_WINDOW) this.missesSize++;
  }

  /** Processing time quantiles over the last 512 frames (ms), undefined before the first frame. */
  quantiles(): { p50: number; p95: number } | undefined {
    if (!this.windowSize) return undefined;
    const sorted = Array.from(this.window.subarray(0, this.windowSize)).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
    return { p50: at(0.5), p95: at(0.95) };
  }

  /** Share of the last 50 processed frames that missed the deadline. */
  recentMissRatio(): number {
    if (!this.missesSize) return 0;
    let n = 0;
    for (let i = 0; i < this.missesSize; i++) n += this.misses[i]!;
    return n / this.missesSize;
  }
}
