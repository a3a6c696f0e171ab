import { useEffect, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import { CONTROL_NAMESPACE, type ControlClientToServerEvents, type ControlServerToClientEvents } from '../../../server/protocol/controlEvents.ts';
import type { HealthEntry } from '../../../server/protocol/health.ts';

export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected';

/** The `/control` socket as the UI sees it: where it stands, and the live health list. */
export interface ControlConnection {
  state: ConnectionState;
  /** Connected at least once since sign-in (first attempt reads "Connecting…", later ones "Reconnecting…"). */
  everConnected: boolean;
  /** Failed attempts since the last successful connect. */
  attempt: number;
  /** Why we are not connected, in words (empty when connected). */
  detail: string;
  /** Epoch ms of the last change of `state`. */
  since: number;
  /** Null until the first snapshot arrives; kept (stale) while disconnected. */
  health: HealthEntry[] | null;
  /** Epoch ms of the last snapshot or update. */
  healthAt: number | null;
}

type ControlSocket = Socket<ControlServerToClientEvents, ControlClientToServerEvents>;

// server/protocol holds only types and plain constants, so browser code imports it directly.
const NAMESPACE = CONTROL_NAMESPACE;

function upsert(entries: HealthEntry[] | null, entry: HealthEntry): HealthEntry[] {
  const list = entries ?? [];
  const index = list.findIndex((existing) => existing.name === entry.name);
  if (index === -1) return [...list, entry];
  const next = list.slice();
  next[index] = entry;
  return next;
}

/**
 * Opens `/control` with the session token and reconnects forever with a capped delay. A refused token
 * (`unauthorized`) ends the session; everything else is a transient outage and keeps the last health list.
 */
export function useControlConnection(token: string, onUnauthorized: (reason: string) => void): ControlConnection {
  const [connection, setConnection] = useState<ControlConnection>(() => ({
    state: 'reconnecting',
    everConnected: false,
    attempt: 0,
    detail: 'Connecting…',
    since: Date.now(),
    health: null,
    healthAt: null,
  }));
  const unauthorized = useRef(onUnauthorized);
  unauthorized.current = onUnauthorized;

  useEffect(() => {
    const socket: ControlSocket = io(NAMESPACE, {
      auth: { token },
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.3,
      timeout: 10_000,
    });
    let snapshotTimer: ReturnType<typeof setTimeout> | undefined;
    let manualRetry: ReturnType<typeof setTimeout> | undefined;

    const moveTo = (state: ConnectionState, detail: string, attempt?: number) =>
      setConnection((previous) => ({
        ...previous,
        state,
        detail,
        attempt: attempt ?? previous.attempt,
        since: previous.state === state ? previous.since : Date.now(),
        everConnected: previous.everConnected || state === 'connected',
      }));

    const replaceHealth = (entries: HealthEntry[]) =>
      setConnection((previous) => ({ ...previous, health: entries, healthAt: Date.now() }));

    socket.on('connect', () => {
      moveTo('connected', '', 0);
      // The server sends a snapshot on connect; ask explicitly if it has not arrived shortly after.
      clearTimeout(snapshotTimer);
      snapshotTimer = setTimeout(() => {
        socket.timeout(5_000).emit('health:get', (error, entries) => {
          if (!error) replaceHealth(entries);
        });
      }, 2_000);
    });
    socket.on('health:snapshot', (entries) => {
      clearTimeout(snapshotTimer);
      replaceHealth(entries);
    });
    socket.on('health:update', (entry) =>
      setConnection((previous) => ({ ...previous, health: upsert(previous.health, entry), healthAt: Date.now() })),
    );
    socket.on('health:remove', (name) =>
      setConnection((previous) => ({ ...previous, health: previous.health && previous.health.filter((e) => e.name !== name), healthAt: Date.now() })),
    );

    socket.on('disconnect', (reason) => {
      clearTimeout(snapshotTimer);
      if (socket.active) {
        moveTo('reconnecting', reason === 'io client disconnect' ? '' : 'Lost the connection to the server.');
        return;
      }
      // The server closed the socket on purpose (token revoked, shutdown). Try again shortly; if the
      // token is gone the handshake fails with `unauthorized` and the session ends.
      moveTo('reconnecting', 'The server closed the connection.');
      manualRetry = setTimeout(() => socket.connect(), 2_000);
    });

    socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') {
        socket.disconnect();
        moveTo('disconnected', 'The server refused this token.');
        unauthorized.current('');
        return;
      }
      if (error.message === 'forbidden') {
        socket.disconnect();
        moveTo('disconnected', 'This token may not use the control connection (operator or admin role needed).');
        return;
      }
      if (!socket.active) {
        // A middleware refusal we do not know: retry slowly rather than giving up for good.
        moveTo('disconnected', `Refused: ${error.message}`);
        clearTimeout(manualRetry);
        manualRetry = setTimeout(() => socket.connect(), 10_000);
        return;
      }
      setConnection((previous) => ({
        ...previous,
        state: 'reconnecting',
        detail: 'Cannot reach the server.',
        attempt: previous.attempt + 1,
        since: previous.state === 'reconnecting' ? previous.since : Date.now(),
      }));
    });

    return () => {
      clearTimeout(snapshotTimer);
      clearTimeout(manualRetry);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [token]);

  return connection;
}
