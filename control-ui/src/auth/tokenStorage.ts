/**
 * Where the control UI keeps its token: `localStorage`, so a reload or a new tab stays signed in.
 * Storage can be unavailable (privacy modes, sandboxed iframes); then the session lasts for the tab.
 */
const STORAGE_KEY = 'roomcast.token';

export function readStoredToken(): string | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value !== null && value !== '' ? value : null;
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Session still works for this tab.
  }
}

export function clearStoredToken(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** `token=...` inside a fragment or a pasted login link (`http://host/#token=rct_...`). */
export function extractToken(text: string): string | null {
  const match = /(?:^|[#&?])token=([^&#\s]+)/.exec(text);
  const raw = match?.[1];
  if (raw === undefined) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Reads `#token=` from the address bar and removes the fragment (replacing the history entry), so the
 * token is neither left on screen nor reachable with the back button.
 */
export function takeTokenFromFragment(): string | null {
  const hash = window.location.hash;
  if (!hash.includes('token=')) return null;
  const token = extractToken(hash);
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
  return token;
}

/** What the user typed or pasted: a bare token, or a whole login link. */
export function normaliseTokenInput(text: string): string {
  const trimmed = text.trim();
  return extractToken(trimmed) ?? trimmed;
}
