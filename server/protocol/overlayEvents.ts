/** Socket.io namespace for overlay pages (any token; overlay tokens are read-only). */
export const OVERLAY_NAMESPACE = '/overlay';

/** Everything an overlay page needs to render from scratch; replayed on every (re)connect. */
export interface OverlayState {
  room: string;
  banner: { text: string } | null;
  /** Increases on every change, so a page can ignore stale updates that arrive out of order. */
  revision: number;
  updatedAt: number;
}

/** A transient animation (donation, gesture, chat...). */
export interface OverlayAlert {
  id: string;
  room: string;
  kind: string;
  title: string;
  message?: string | undefined;
  durationMs: number;
  at: number;
}

export type OverlaySyncResult = { ok: true; state: OverlayState } | { ok: false; error: string };

export interface OverlayServerToClientEvents {
  'overlay:state': (state: OverlayState) => void;
  'overlay:alert': (alert: OverlayAlert) => void;
}

export interface OverlayClientToServerEvents {
  /** Join a room's overlay channel and get its full state (sent on every connect). */
  'overlay:sync': (request: { room: string }, ack: (result: OverlaySyncResult) => void) => void;
}
