/**
 * What went wrong with one API call, in terms the UI can act on: a 401 sends the user back to the
 * login form, a 429 tells them how long to wait, anything else is shown as-is.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status, or 0 when the server could not be reached at all. */
    readonly status: number,
    /** The server's `error.code` (`unauthorized`, `forbidden`, `rate_limited`...), or `network`. */
    readonly code: string,
    message: string,
    /** From `Retry-After` on a 429 (or 503), in whole seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }

  get rateLimited(): boolean {
    return this.status === 429;
  }

  /** The request never got an HTTP answer (server down, restarting, network gone). */
  get unreachable(): boolean {
    return this.status === 0;
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
