/** Where the overlay's link to the server stands; only `connected` hides the dot. */
export type OverlayStatus = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized' | 'error';

const TITLES: Record<OverlayStatus, string> = {
  connecting: 'Roomcast: connecting…',
  connected: 'Roomcast: connected',
  reconnecting: 'Roomcast: server unreachable, reconnecting (showing the last state)',
  unauthorized: 'Roomcast: the overlay token was refused; retrying',
  error: 'Roomcast: the room could not be synced; retrying',
};

/**
 * The overlay never shows errors on stream: it keeps the last picture and only a small dot in a corner
 * (and `data-connection` on the root, for tests and debugging) tells that the link is down.
 */
export function renderStatus(root: HTMLElement, dot: HTMLElement, status: OverlayStatus, detail = ''): void {
  root.dataset['connection'] = status === 'connected' ? 'connected' : 'disconnected';
  dot.dataset['state'] = status;
  dot.title = detail ? `${TITLES[status]} (${detail})` : TITLES[status];
}
