/** Everything the overlay reads from its URL: `/overlay/?room=demo&theme=dark#token=rct_...`. */
export interface OverlayParams {
  room: string | null;
  token: string | null;
  theme: 'dark' | 'light';
  accent: string | null;
  font: string | null;
  position: 'top' | 'bottom';
  scale: number;
  showStatus: boolean;
}

const TOKEN_KEY = 'roomcast.overlay.token';

function readSession(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeSession(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // No storage (unusual in OBS): a reload then needs the fragment again.
  }
}

/**
 * The token travels in the fragment so it never reaches a server log. It is taken out of the address
 * bar once read and kept in sessionStorage, so a reload (OBS "Refresh cache of current page") still works.
 */
export function takeToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1] !== undefined) {
    let token = match[1];
    try {
      token = decodeURIComponent(token);
    } catch {
      // Keep it raw.
    }
    writeSession(token);
    history.replaceState(history.state, '', window.location.pathname + window.location.search);
    return token;
  }
  return readSession();
}

function cssColour(value: string | null): string | null {
  if (value === null || value.length > 64) return null;
  return typeof CSS !== 'undefined' && CSS.supports('color', value) ? value : null;
}

function fontFamily(value: string | null): string | null {
  // Installed font names only: no quotes, no url(), nothing that could escape the declaration.
  return value !== null && /^[\p{L}\p{N} _-]{1,64}$/u.test(value) ? value.trim() : null;
}

export function readParams(): OverlayParams {
  const query = new URLSearchParams(window.location.search);
  const scale = Number(query.get('scale') ?? '1');
  const room = query.get('room')?.trim();
  return {
    room: room ? room : null,
    token: takeToken(),
    theme: query.get('theme') === 'light' ? 'light' : 'dark',
    accent: cssColour(query.get('accent')),
    font: fontFamily(query.get('font')),
    position: query.get('position') === 'top' ? 'top' : 'bottom',
    scale: Number.isFinite(scale) ? Math.min(4, Math.max(0.25, scale)) : 1,
    showStatus: !['0', 'false', 'hide', 'off'].includes(query.get('status') ?? ''),
  };
}
