import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import OBSWebSocket, {
  EventSubscription,
  OBSWebSocketError,
  RequestBatchExecutionType,
  type OBSRequestTypes,
  type OBSResponseTypes,
  type RequestBatchRequest,
} from 'obs-websocket-js';
import type { ObsStatus } from './ObsTypes.ts';
import { displayObsUrl } from './obsConfig.ts';
import {
  ObsRequestError,
  ObsTimeoutError,
  ObsUnavailableError,
  describeConnectFailure,
  describeConnectionLoss,
  type ConnectFailure,
} from './obsErrors.ts';

/** One obs-websocket request as it goes into a RequestBatch. */
export interface ObsRequest {
  requestType: keyof OBSRequestTypes;
  requestData?: Record<string, unknown> | undefined;
}

/** One request's outcome inside a batch answer. */
export interface ObsResult {
  requestType: string;
  ok: boolean;
  /** obs-websocket RequestStatus: 100 success, 600 resource not found... */
  code: number;
  comment?: string | undefined;
  data: Record<string, unknown>;
}

export interface ObsConnectionOptions {
  url: string;
  password?: string | undefined;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  requestTimeoutMs: number;
  logger: Logger;
}

export interface ObsConnectionEvents {
  /** Every change of status() (connected, lost, an attempt failed, program scene changed, slow answers). */
  status: [status: ObsStatus];
}

/** One identified WebSocket session; a reconnect makes a new one (the library's client keeps state per socket). */
interface Session {
  client: OBSWebSocket;
  /** Resolves when the socket closes, with obs-websocket-js's close error (code + reason). */
  closed: Promise<OBSWebSocketError>;
  /** OBS said ExitStarted: the close that follows is a shutdown, not a crash. */
  exiting: boolean;
  /** Requests waiting for an answer: failed at once when the socket closes (the library would leave them hanging). */
  pending: Set<(closeCode: number) => void>;
}

/** A connect attempt that failed, with what describeConnectFailure needs. */
class ConnectAttemptError extends Error {
  constructor(readonly failure: ConnectFailure) {
    super(failure.message);
  }
}

/** Rejects with `onTimeout()` after `ms` unless `promise` settles first. */
function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Events we need: ExitStarted (General) to tell a shutdown from a crash, CurrentProgramSceneChanged (Scenes). */
const EVENT_SUBSCRIPTIONS = EventSubscription.General | EventSubscription.Scenes;

/**
 * The link to OBS's WebSocket server (obs-websocket 5, password auth). Connects in the background and
 * keeps reconnecting forever with exponential backoff: OBS may start after Roomcast or restart mid-show.
 * Requests never wait for a connection: while disconnected they fail at once with the reason; a request
 * in flight fails when the socket closes or after requestTimeoutMs.
 */
export class ObsConnection extends EventEmitter<ObsConnectionEvents> {
  private readonly options: ObsConnectionOptions;
  private readonly displayUrl: string;
  private session: Session | undefined;
  /** The client of the attempt in progress, so close() can cut a handshake short. */
  private attempt: OBSWebSocket | undefined;
  private current: ObsStatus;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private pauseTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(options: ObsConnectionOptions) {
    super();
    this.options = options;
    this.displayUrl = displayObsUrl(options.url);
    this.current = { enabled: true, url: this.displayUrl, state: 'connecting', reason: `connecting to OBS at ${this.displayUrl}`, since: Date.now(), failedAttempts: 0 };
  }

  /** Start connecting (in the background; status events say how it goes). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stop reconnecting and close the socket. */
  async close(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.pauseTimer);
    this.wake?.();
    const client = this.session?.client ?? this.attempt;
    if (client) await withDeadline(client.disconnect(), 1_000, () => new Error('disconnect timed out')).catch(() => undefined);
    await this.loop;
  }

  get connected(): boolean {
    return this.session?.client.identified === true;
  }

  status(): ObsStatus {
    return { ...this.current };
  }

  /** One request; `what` names it in errors (e.g. `switch to scene "Live"`). */
  call<T extends keyof OBSRequestTypes>(requestType: T, requestData?: OBSRequestTypes[T], what: string = requestType): Promise<OBSResponseTypes[T]> {
    return this.exchange(what, async (client) => {
      try {
        return await client.call(requestType, requestData);
      } catch (err) {
        if (err instanceof OBSWebSocketError && err.code > 0) throw new ObsRequestError(what, requestType, err.code, err.message);
        throw err;
      }
    });
  }

  /**
   * Requests as one RequestBatch (SerialRealtime: in order, as fast as OBS can; a failure does not stop
   * the rest). Results come back in request order; a refused request is `ok: false`, not an exception.
   */
  callBatch(requests: readonly ObsRequest[], what: string): Promise<ObsResult[]> {
    return this.exchange(what, async (client) => {
      const started = performance.now();
      const results = await client.callBatch(requests as RequestBatchRequest[], {
        executionType: RequestBatchExecutionType.SerialRealtime,
        haltOnFailure: false,
      });
      this.options.logger.debug({ requests: requests.map((r) => r.requestType), ms: Math.round((performance.now() - started) * 100) / 100 }, 'OBS request batch');
      return results.map((r) => {
        const status = r.requestStatus as { result: boolean; code: number; comment?: string };
        return { requestType: r.requestType, ok: status.result, code: status.code, comment: status.comment, data: (r.responseData ?? {}) as Record<string, unknown> };
      });
    });
  }

  /** Fail fast when not connected; otherwise send, bounded by the timeout and by the socket closing. */
  private async exchange<R>(what: string, send: (client: OBSWebSocket) => Promise<R>): Promise<R> {
    const session = this.session;
    if (!session?.client.identified) throw new ObsUnavailableError(what, this.current.reason ?? `not connected to ${this.displayUrl}`);
    const timeoutMs = this.options.requestTimeoutMs;
    let failPending!: (closeCode: number) => void;
    const closed = new Promise<never>((_, reject) => {
      failPending = (code) => reject(new ObsUnavailableError(what, `the connection closed before OBS answered (code ${code})`));
    });
    session.pending.add(failPending);
    try {
      const result = await withDeadline(
        Promise.race([send(session.client), closed]).catch((err: Error) => {
          // The library throws plain Errors ("Not connected") when the socket went away under it.
          throw err instanceof ObsRequestError || err instanceof ObsUnavailableError ? err : new ObsUnavailableError(what, err.message || 'connection closed');
        }),
        timeoutMs,
        () => new ObsTimeoutError(what, timeoutMs),
      );
      if (this.current.state === 'connected' && this.current.reason) this.update({ reason: undefined });
      return result;
    } catch (err) {
      if (err instanceof ObsTimeoutError && this.session === session) {
        this.update({ reason: `OBS is connected but did not answer within ${timeoutMs} ms (busy or frozen?)` });
      }
      throw err;
    } finally {
      session.pending.delete(failPending);
    }
  }

  private async run(): Promise<void> {
    const { initialDelayMs, maxDelayMs } = this.options.reconnect;
    let failures = 0;
    while (!this.stopping) {
      let session: Session;
      try {
        session = await this.open();
      } catch (err) {
        this.attempt = undefined;
        if (this.stopping) break;
        failures += 1;
        const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failures - 1, 30));
        const failure = err instanceof ConnectAttemptError ? err.failure : { message: (err as Error).message };
        const reason = describeConnectFailure(failure, this.displayUrl, this.options.password !== undefined, this.options.requestTimeoutMs);
        this.options.logger.debug({ url: this.displayUrl, attempt: failures, retryInMs: delay, err: failure.message }, 'OBS connect attempt failed');
        this.update({ state: 'disconnected', reason, failedAttempts: failures, nextAttemptAt: Date.now() + delay, obsVersion: undefined, obsWebSocketVersion: undefined });
        await this.pause(delay);
        continue;
      }
      this.attempt = undefined;
      failures = 0;
      if (this.stopping) {
        // close() ran while the handshake finished: it had no session to close yet.
        await withDeadline(session.client.disconnect(), 1_000, () => new Error('disconnect timed out')).catch(() => undefined);
        break;
      }
      const closeError = await session.closed;
      this.session = undefined;
      if (this.stopping) break;
      const reason = describeConnectionLoss(closeError.code, closeError.message, this.displayUrl, session.exiting);
      this.update({ state: 'disconnected', reason, failedAttempts: 0, nextAttemptAt: Date.now() + initialDelayMs });
      await this.pause(initialDelayMs);
    }
    this.update({ state: 'disconnected', reason: 'stopped', nextAttemptAt: undefined });
  }

  /** One connect + identify + first state read; resolves with the live session. */
  private async open(): Promise<Session> {
    const client = new OBSWebSocket();
    this.attempt = client;
    let authRequired: boolean | undefined;
    client.once('Hello', (hello) => (authRequired = hello.authentication !== undefined));
    const session: Session = {
      client,
      closed: new Promise((resolve) => client.once('ConnectionClosed', resolve)),
      exiting: false,
      pending: new Set(),
    };
    void session.closed.then((closeError) => {
      for (const fail of session.pending) fail(closeError.code);
    });
    client.on('ExitStarted', () => (session.exiting = true));
    client.on('CurrentProgramSceneChanged', ({ sceneName }) => {
      if (this.session === session) this.update({ currentProgramScene: sceneName });
    });
    const timeoutMs = this.options.requestTimeoutMs;
    try {
      await withDeadline(
        client.connect(this.options.url, this.options.password, { rpcVersion: 1, eventSubscriptions: EVENT_SUBSCRIPTIONS }),
        timeoutMs,
        () => new ConnectAttemptError({ message: 'handshake timed out', timedOut: true }),
      );
      const [version, scene] = await withDeadline(
        client.callBatch([{ requestType: 'GetVersion' }, { requestType: 'GetCurrentProgramScene' }]),
        timeoutMs,
        () => new ConnectAttemptError({ message: 'GetVersion timed out', timedOut: true }),
      );
      this.session = session;
      const versionData = (version?.responseData ?? {}) as { obsVersion?: string; obsWebSocketVersion?: string };
      const sceneData = (scene?.responseData ?? {}) as { currentProgramSceneName?: string };
      this.update({
        state: 'connected',
        reason: undefined,
        failedAttempts: 0,
        nextAttemptAt: undefined,
        obsVersion: versionData.obsVersion,
        obsWebSocketVersion: versionData.obsWebSocketVersion,
        currentProgramScene: sceneData.currentProgramSceneName,
      });
      this.options.logger.info({ url: this.displayUrl, obsVersion: versionData.obsVersion, obsWebSocketVersion: versionData.obsWebSocketVersion }, 'connected to OBS');
      if (authRequired === false && this.options.password !== undefined) {
        this.options.logger.info('OBS does not require a password: obs.password is not used');
      }
      return session;
    } catch (err) {
      void client.disconnect().catch(() => undefined);
      this.session = undefined;
      if (err instanceof ConnectAttemptError) throw err;
      const code = err instanceof OBSWebSocketError ? err.code : undefined;
      throw new ConnectAttemptError({ code, message: (err as Error).message ?? String(err), authRequired });
    }
  }

  /** Sleep between attempts; close() cuts it short. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.pauseTimer = setTimeout(resolve, ms);
    });
  }

  private update(change: Partial<ObsStatus>): void {
    const next: ObsStatus = { ...this.current, ...change };
    const changed = (Object.keys(next) as Array<keyof ObsStatus>).some((k) => k !== 'since' && next[k] !== this.current[k]);
    if (!changed) return;
    if (next.state !== this.current.state || next.reason !== this.current.reason) next.since = Date.now();
    this.current = next;
    this.emit('status', this.status());
  }
}
