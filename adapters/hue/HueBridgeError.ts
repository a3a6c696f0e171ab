/**
 * Everything that can go wrong talking to a bridge, sorted by what to do about it. node-hue-api reports
 * network failures, HTTP statuses and Hue error entries all as `ApiError`; this is the one place that
 * tells them apart (and scrubs the bridge username, which node-hue-api puts in error addresses).
 */

export type HueBridgeErrorKind =
  /** No answer (refused, reset, timed out): the bridge is gone; reconnect and resend. */
  | 'unreachable'
  /** HTTP 429/503: the bridge is over its limits; back off and retry. */
  | 'overloaded'
  /** Hue error 1: the username is not (or no longer) on the bridge's whitelist; pair again. */
  | 'unauthorized'
  /** Hue error 101 while pairing: the link button was not pressed. */
  | 'link-button'
  /** The bridge refused this command (unknown light, invalid value...): retrying the same won't help. */
  | 'rejected'
  /** Anything else (a non-bridge answering, a library failure). */
  | 'unexpected';

export class HueBridgeError extends Error {
  readonly kind: HueBridgeErrorKind;
  /** The Hue error type (1, 3, 7, 101...) or the HTTP status for overloads. */
  readonly hueType: number | undefined;
  /** The Hue address (`/lights/3/state/bri`), when the bridge gave one. */
  readonly address: string | undefined;

  // No `cause`: the underlying axios error holds the request URL, and with it the username.
  constructor(kind: HueBridgeErrorKind, message: string, details: { hueType?: number | undefined; address?: string | undefined } = {}) {
    super(message);
    this.name = 'HueBridgeError';
    this.kind = kind;
    this.hueType = details.hueType;
    this.address = details.address;
  }

  /** Worth sending the same command again later (after a reconnect, a back-off or a new pairing). */
  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'overloaded' || this.kind === 'unauthorized';
  }
}

const NETWORK_FAILURE = /ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EHOSTUNREACH|EHOSTDOWN|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|Network Error|timeout/i;

interface HueErrorPayload {
  type?: unknown;
  description?: unknown;
  address?: unknown;
  error?: unknown;
}

/** node-hue-api's ApiError, read through its public accessors only. */
interface ApiErrorLike {
  message: string;
  getHueError?: () => { rawError?: HueErrorPayload } | undefined;
  getHueErrorType?: () => number;
}

interface AxiosErrorLike {
  isAxiosError?: boolean;
  code?: string;
  message: string;
  response?: { status?: number };
}

/**
 * Sort any error from a bridge call. `secrets` (the username) are replaced in every message and address:
 * node-hue-api reports HTTP failures with the request URL, which contains the username.
 */
export function classifyBridgeError(err: unknown, secrets: readonly (string | undefined)[] = []): HueBridgeError {
  if (err instanceof HueBridgeError) return err;
  const scrub = (text: string) => secrets.reduce<string>((t, s) => (s ? t.split(s).join('<username>') : t), text);
  const error = err as ApiErrorLike & AxiosErrorLike;
  const message = scrub(String(error?.message ?? err));

  // Raw axios errors (node-hue-api's bootstrap probes GET /api/config with axios directly).
  if (error?.isAxiosError) {
    const status = error.response?.status;
    if (status === 429 || status === 503) return new HueBridgeError('overloaded', `bridge overloaded (HTTP ${status})`, { hueType: status });
    if (status !== undefined) return new HueBridgeError('unexpected', `the bridge answered HTTP ${status}: is this a Hue bridge?`, { hueType: status });
    return new HueBridgeError('unreachable', message);
  }

  const hueError = typeof error?.getHueError === 'function' ? error.getHueError() : undefined;
  const payload = hueError?.rawError;
  if (payload && typeof payload.type === 'number') {
    const address = typeof payload.address === 'string' ? scrub(payload.address) : undefined;
    // A Hue error entry from a reply body carries a description; an HTTP failure carries the status.
    if (typeof payload.description === 'string') {
      const description = scrub(payload.description);
      const type = payload.type;
      const where = address ? ` (${address})` : '';
      if (type === 1) return new HueBridgeError('unauthorized', `unauthorized user${where}`, { hueType: type, address });
      if (type === 101) return new HueBridgeError('link-button', 'link button not pressed', { hueType: type, address });
      if (type === 901) return new HueBridgeError('overloaded', `bridge internal error: ${description}`, { hueType: type, address });
      return new HueBridgeError('rejected', `${description}${where}`, { hueType: type, address });
    }
    const status = payload.type;
    if (status === 429 || status === 503) return new HueBridgeError('overloaded', `bridge overloaded (HTTP ${status})`, { hueType: status });
    return new HueBridgeError('unexpected', `the bridge answered HTTP ${status}${address ? ` for ${address}` : ''}: is this a Hue bridge?`, { hueType: status, address });
  }
  if (NETWORK_FAILURE.test(message)) return new HueBridgeError('unreachable', message);
  return new HueBridgeError('unexpected', message);
}
