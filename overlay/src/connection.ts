import { io, type Socket } from 'socket.io-client';
import {
  OVERLAY_NAMESPACE,
  type OverlayAlert,
  type OverlayClientToServerEvents,
  type OverlayServerToClientEvents,
  type OverlayState,
} from '../../server/protocol/overlayEvents.ts';
import type { OverlayStatus } from './statusDot.ts';

type OverlaySocket = Socket<OverlayServerToClientEvents, OverlayClientToServerEvents>;

// Same string as OVERLAY_NAMESPACE in server/protocol/overlayEvents.ts (only types cross into the page).
const NAMESPACE = OVERLAY_NAMESPACE;
const SYNC_TIMEOUT_MS = 8_000;
const SYNC_RETRY_MS = 3_000;
const SYNC_ERROR_RETRY_MS = 10_000;
/** After the server refused the token: keep trying, slowly (stays far below the auth rate limit). */
const REFUSED_RETRY_MS = 30_000;

export interface OverlayConnectionHandlers {
  /** The full state, as answered to `overlay:sync` on a (re)connect. */
  onSync(state: OverlayState): void;
  onPush(state: OverlayState): void;
  onAlert(alert: OverlayAlert): void;
  onStatus(status: OverlayStatus, detail?: string): void;
  /** Called right before each sync request, so the store can track racing pushes. */
  onSyncStart(): void;
}

/**
 * The `/overlay` socket. Reconnects forever with a capped delay, whatever started first; on EVERY
 * connect it asks for the room's full state. A sync that times out or fails is retried on the same
 * connection; a refused token is retried every 30 s (it may be restored on the server).
 */
export function connectOverlay(room: string, token: string, handlers: OverlayConnectionHandlers): () => void {
  const socket: OverlaySocket = io(NAMESPACE, {
    auth: { token },
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.3,
    timeout: 10_000,
  });
  let epoch = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const later = (ms: number, action: () => void) => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(action, ms);
  };

  const sync = (connection: number) => {
    if (connection !== epoch || !socket.connected) return;
    handlers.onSyncStart();
    socket.timeout(SYNC_TIMEOUT_MS).emit('overlay:sync', { room }, (error, result) => {
      if (connection !== epoch) return;
      if (error) {
        handlers.onStatus('error', 'sync timed out');
        later(SYNC_RETRY_MS, () => sync(connection));
        return;
      }
      if (!result.ok) {
        handlers.onStatus('error', result.error);
        later(SYNC_ERROR_RETRY_MS, () => sync(connection));
        return;
      }
      handlers.onSync(result.state);
      handlers.onStatus('connected');
    });
  };

  socket.on('connect', () => {
    epoch++;
    clearTimeout(retryTimer);
    sync(epoch);
  });
  socket.on('overlay:state', (state) => handlers.onPush(state));
  socket.on('overlay:alert', (alert) => {
    if (alert.room === room) handlers.onAlert(alert);
  });

  socket.on('disconnect', (reason) => {
    epoch++;
    clearTimeout(retryTimer);
    handlers.onStatus('reconnecting', reason);
    // The server closed us on purpose (restart, token revoked): socket.io does not retry those by itself.
    if (!socket.active) later(SYNC_RETRY_MS, () => socket.connect());
  });

  socket.on('connect_error', (error) => {
    if (socket.active) {
      handlers.onStatus('reconnecting', error.message);
      return;
    }
    // Refused by the server's middleware (`unauthorized`, `forbidden`, rate limit): no automatic retry.
    const refused = error.message === 'unauthorized' || error.message === 'forbidden';
    handlers.onStatus(refused ? 'unauthorized' : 'error', error.message);
    later(REFUSED_RETRY_MS, () => socket.connect());
  });

  return () => {
    clearTimeout(retryTimer);
    socket.removeAllListeners();
    socket.disconnect();
  };
}
