import { extractToken, readStoredToken } from '../../../src/auth/tokenStorage.ts';

/**
 * The token of a media page: from `#token=` (taken out of the address bar and kept for this tab, so a
 * reload works), else the one this tab already had, else the control UI's own sign-in on this origin.
 */
export function takePageToken(page: 'capture' | 'listen'): string | null {
  const key = `roomcast.${page}.token`;
  const hash = window.location.hash;
  if (hash.includes('token=')) {
    const token = extractToken(hash);
    history.replaceState(history.state, '', window.location.pathname + window.location.search);
    if (token) {
      remember(key, token);
      return token;
    }
  }
  try {
    const kept = sessionStorage.getItem(key);
    if (kept) return kept;
  } catch {
    // No storage: fall through.
  }
  return readStoredToken();
}

export function rememberPageToken(page: 'capture' | 'listen', token: string): void {
  remember(`roomcast.${page}.token`, token);
}

export function forgetPageToken(page: 'capture' | 'listen'): void {
  try {
    sessionStorage.removeItem(`roomcast.${page}.token`);
  } catch {
    // Nothing kept.
  }
}

function remember(key: string, token: string): void {
  try {
    sessionStorage.setItem(key, token);
  } catch {
    // The token then lasts for this page view only.
  }
}

/** A random id for this tab (kept across reloads of the same tab). */
export function tabId(key: string): string {
  try {
    const kept = sessionStorage.getItem(key);
    if (kept) return kept;
  } catch {
    // No storage: a fresh id per load.
  }
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    sessionStorage.setItem(key, id);
  } catch {
    // Fine.
  }
  return id;
}
