/** How a failing stage or source is restarted: the delay doubles per consecutive failure, up to a cap. */
export interface RestartPolicy {
  /** Delay before the first restart. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Running this long without a failure counts as recovered: health clears, the delay starts over. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = { initialDelayMs: 200, maxDelayMs: 30_000, stableAfterMs: 10_000 };

/** Exponential backoff state for one restartable thing. */
export class Backoff {
  private failures = 0;
  private lastFailureAt = 0;

  constructor(private readonly policy: RestartPolicy) {}

  /** Consecutive failures so far (0 after a reset). */
  get attempts(): number {
    return this.failures;
  }

  /** Record a failure and return how long to wait before trying again. */
  next(now = Date.now()): number {
    if (this.failures && now - this.lastFailureAt >= this.policy.stableAfterMs) this.failures = 0;
    this.failures++;
    this.lastFailureAt = now;
    return Math.min(this.policy.initialDelayMs * 2 ** (this.failures - 1), this.policy.maxDelayMs);
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
