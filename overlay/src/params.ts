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
  /** Alert kinds that play their sound (`sound=on`: all; `sound=donation,chat`: those); empty: silent. */
  sound: { all: boolean; kinds: ReadonlySet<string> };
  /** 0..1 */
  volume: number;
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

/** `sound=on|all|1` plays every kind's sound; a comma list names kinds; anything else is silent. */
function soundParam(value: string | null): OverlayParams['sound'] {
  const raw = (value ?? '').trim().toLowerCase();
  if (['on', 'all', '1', 'true', 'yes'].includes(raw)) return { all: true, kinds: new Set() };
  const kinds = raw
    .split(',')
    .map((k) => k.trim())
    .filter((k) => /^[a-z0-9_.-]{1,40}$/.test(k) && !['off', '0', 'false', 'no', 'none'].includes(k));
  return { all: false, kinds: new Set(kinds) };
}

export function readParams(): OverlayParams {
  const query = new URLSearchParams(window.location.search);
  const scale = Number(query.get('scale') ?? '1');
  const volume = Number(query.get('volume') ?? '0.6');
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
    sound: soundParam(query.get('sound')),
    volume: Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : 0.6,
  };
}
