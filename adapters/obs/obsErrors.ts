import { RequestError } from '../../server/errors.ts';

/**
 * Why an OBS action did not happen, as the operator needs to read it. All are RequestErrors, so the API
 * answers with a status and this message instead of a generic 500.
 */

/** OBS control is switched off in config. */
export class ObsDisabledError extends RequestError {
  constructor(what: string) {
    super(503, 'obs_disabled', `OBS control is off (set obs.enabled: true, obs.url and obs.password): ${what} not sent`);
    this.name = 'ObsDisabledError';
  }
}

/** Not connected right now (OBS closed, crashed, wrong password...): fails at once, never waits. */
export class ObsUnavailableError extends RequestError {
  constructor(what: string, reason: string) {
    super(503, 'obs_unavailable', `OBS is not connected (${reason}): ${what} not sent`);
    this.name = 'ObsUnavailableError';
  }
}

/** OBS took longer than obs.requestTimeoutMs to answer. */
export class ObsTimeoutError extends RequestError {
  constructor(what: string, timeoutMs: number) {
    super(504, 'obs_timeout', `OBS did not answer ${what} within ${timeoutMs} ms`);
    this.name = 'ObsTimeoutError';
  }
}

/** obs-websocket RequestStatus codes worth naming (see its protocol docs). */
export const OBS_STATUS = {
  Success: 100,
  /** The resource (scene, source, filter, scene item) does not exist. */
  ResourceNotFound: 600,
} as const;

/** OBS answered and refused: an unknown scene, a source that is not a text source... */
export class ObsRequestError extends RequestError {
  readonly obsCode: number;
  constructor(what: string, requestType: string, obsCode: number, comment: string | undefined) {
    const notFound = obsCode === OBS_STATUS.ResourceNotFound;
    super(notFound ? 404 : 502, notFound ? 'not_found' : 'obs_refused', `OBS refused ${what} (${requestType}, code ${obsCode}): ${comment ?? 'no reason given'}`);
    this.name = 'ObsRequestError';
    this.obsCode = obsCode;
  }
}

/**
 * Close codes obs-websocket 5 uses during the handshake (protocol.md, WebSocketCloseCode).
 * AuthenticationFailed covers both a wrong password and none sent when one is required.
 */
export const OBS_CLOSE = {
  AuthenticationFailed: 4009,
  UnsupportedRpcVersion: 4010,
  SessionInvalidated: 4011,
} as const;

/** What failed while connecting, for describeConnectFailure. */
export interface ConnectFailure {
  /** OBSWebSocketError code (a close code, or -1 for socket errors) when there is one. */
  code?: number | undefined;
  message: string;
  /** Did Hello say OBS requires authentication? */
  authRequired?: boolean | undefined;
  timedOut?: boolean | undefined;
}

/** One line an operator can act on, for the health entry and the failed action's error. */
export function describeConnectFailure(failure: ConnectFailure, url: string, passwordConfigured: boolean, timeoutMs: number): string {
  const { code, message } = failure;
  if (failure.timedOut) return `no answer from ${url} within ${timeoutMs} ms (is it OBS's WebSocket server, obs-websocket 5?)`;
  if (code === OBS_CLOSE.AuthenticationFailed || /authentication/i.test(message)) {
    return passwordConfigured
      ? 'authentication failed: check obs.password (it must match OBS > Tools > WebSocket Server Settings > Server Password)'
      : 'OBS requires a password: set obs.password (or ROOMCAST_OBS__PASSWORD) to the one in OBS > Tools > WebSocket Server Settings';
  }
  if (code === OBS_CLOSE.UnsupportedRpcVersion) return `OBS at ${url} does not speak obs-websocket RPC version 1: update OBS (28 or newer)`;
  if (/ECONNREFUSED/.test(message)) return `OBS is not running or the WebSocket server is off at ${url} (OBS > Tools > WebSocket Server Settings > Enable WebSocket server)`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return `cannot resolve the host of ${url} (check obs.url)`;
  if (/subprotocol/i.test(message)) return `${url} is not an obs-websocket 5 server (OBS 28 or newer): ${message}`;
  if (/EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/.test(message)) return `cannot reach ${url}: ${message}`;
  if (code !== undefined && code >= 1000) return `OBS at ${url} closed the connection during the handshake (code ${code}${message ? `: ${message}` : ''})`;
  return `cannot connect to OBS at ${url}: ${message || 'unknown error'}`;
}

/** Why an open connection ended. */
export function describeConnectionLoss(code: number | undefined, message: string, url: string, obsExiting: boolean): string {
  if (obsExiting) return `OBS is shutting down (connection to ${url} closed); reconnecting when it is back`;
  if (code === OBS_CLOSE.SessionInvalidated) return `OBS ended the session (kicked in WebSocket Server Settings?); reconnecting`;
  return `lost the connection to OBS at ${url} (code ${code ?? 'none'}${message ? `: ${message}` : ''}); reconnecting`;
}

/** Some commands of an `obs.batch` failed (the others were applied): lists each failure. */
export class ObsBatchError extends RequestError {
  constructor(failures: ReadonlyArray<{ label: string; error: Error }>, total: number) {
    const first = failures[0]?.error;
    super(
      first instanceof RequestError ? first.status : 502,
      first instanceof RequestError ? first.code : 'obs_refused',
      `${failures.length} of ${total} OBS actions failed: ${failures.map((f) => f.error.message).join('; ')}`,
    );
    this.name = 'ObsBatchError';
  }
}
