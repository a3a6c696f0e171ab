import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/ApiError.ts';
import { requestJson } from '../api/apiClient.ts';
import { CONTROL_UI_MIN_ROLE, isRole, roleAtLeast, type Role } from './roles.ts';
import { clearStoredToken, readStoredToken, storeToken } from './tokenStorage.ts';

/** Where a token came from decides what we say when it fails and whether we keep retrying. */
export type TokenSource = 'form' | 'link' | 'saved';

export interface Notice {
  tone: 'error' | 'info';
  message: string;
  /** From a 429: the form counts down and stays disabled until then. */
  retryAfterSeconds?: number | undefined;
  at: number;
}

export type AuthState =
  | { status: 'checking' }
  | { status: 'signed-out'; pending: boolean; notice?: Notice | undefined }
  /** A link or saved token could not be checked because the server is not answering; retried. */
  | { status: 'unreachable'; token: string; source: TokenSource; attempt: number; retryAt: number }
  | { status: 'signed-in'; token: string; tokenId: string; role: Role };

export interface Auth {
  state: AuthState;
  signIn(token: string): void;
  logout(): void;
  expire(reason: string): void;
  /** Leave the "waiting for the server" screen for the form. */
  abandonRetry(): void;
}

interface WhoAmI {
  tokenId: string;
  role: Role;
}

const REJECTED: Record<TokenSource, string> = {
  form: 'That token was not accepted. Check that you copied all of it (tokens start with rct_).',
  link: 'The token in that link was not accepted. It may have been revoked; paste a current token.',
  saved: 'Your saved token is no longer accepted (it may have been revoked). Paste a current token.',
};

function retryDelayMs(attempt: number): number {
  return Math.min(15_000, 1_000 * 2 ** Math.min(attempt, 4));
}

function rateLimitMessage(seconds: number | undefined): string {
  return seconds !== undefined && seconds > 0
    ? `Too many failed sign-in attempts from this address. Wait ${seconds} seconds, then try again.`
    : 'Too many failed sign-in attempts from this address. Wait a little, then try again.';
}

/**
 * Sign-in lifecycle: a `#token=` link (taken from the address bar before the first render, see
 * `takeTokenFromFragment`) wins over a saved token; a token is only kept once `/api/whoami`
 * accepted it with a role that may use the control UI.
 */
export function useAuth(linkToken: string | null): Auth {
  const [state, setState] = useState<AuthState>({ status: 'checking' });
  const generation = useRef(0);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const check = useCallback((token: string, source: TokenSource, attempt = 0) => {
    const current = ++generation.current;
    clearTimeout(retryTimer.current);
    // Retries keep the "waiting for the server" screen instead of flashing "checking" every few seconds.
    if (attempt === 0) setState(source === 'form' ? { status: 'signed-out', pending: true } : { status: 'checking' });

    requestJson<WhoAmI>('/api/whoami', token).then(
      (who) => {
        if (current !== generation.current) return;
        if (!isRole(who.role) || !roleAtLeast(who.role, CONTROL_UI_MIN_ROLE)) {
          if (source === 'saved') clearStoredToken();
          setState({
            status: 'signed-out',
            pending: false,
            notice: {
              tone: 'error',
              message: `This is ${who.role === 'overlay' ? 'an overlay' : `a "${String(who.role)}"`} token: it is read-only, meant for OBS browser sources. Sign in with an operator or admin token.`,
              at: Date.now(),
            },
          });
          return;
        }
        storeToken(token);
        setState({ status: 'signed-in', token, tokenId: who.tokenId, role: who.role });
      },
      (error: unknown) => {
        if (current !== generation.current) return;
        const at = Date.now();
        if (error instanceof ApiError && error.unreachable && source !== 'form') {
          const delay = retryDelayMs(attempt);
          setState({ status: 'unreachable', token, source, attempt, retryAt: at + delay });
          retryTimer.current = setTimeout(() => check(token, source, attempt + 1), delay);
          return;
        }
        if (error instanceof ApiError && error.unauthorized) clearStoredToken();
        let notice: Notice;
        if (!(error instanceof ApiError)) {
          notice = { tone: 'error', message: 'Unexpected answer from the server. Try again.', at };
        } else if (error.unauthorized) {
          notice = { tone: 'error', message: REJECTED[source], at };
        } else if (error.rateLimited) {
          notice = { tone: 'error', message: rateLimitMessage(error.retryAfterSeconds), retryAfterSeconds: error.retryAfterSeconds, at };
        } else if (error.unreachable) {
          notice = { tone: 'error', message: 'Cannot reach the Roomcast server. Is it running (roomcast start)?', at };
        } else {
          notice = { tone: 'error', message: error.message, at };
        }
        setState({ status: 'signed-out', pending: false, notice });
      },
    );
  }, []);

  useEffect(() => {
    const saved = readStoredToken();
    if (linkToken !== null) check(linkToken, 'link');
    else if (saved !== null) check(saved, 'saved');
    else setState({ status: 'signed-out', pending: false });
    return () => {
      generation.current++;
      clearTimeout(retryTimer.current);
    };
  }, [check, linkToken]);

  const signIn = useCallback((token: string) => check(token, 'form'), [check]);

  const leave = useCallback((notice?: Notice) => {
    generation.current++;
    clearTimeout(retryTimer.current);
    clearStoredToken();
    setState({ status: 'signed-out', pending: false, notice });
  }, []);

  const logout = useCallback(() => leave({ tone: 'info', message: 'Signed out. The token was removed from this browser.', at: Date.now() }), [leave]);

  const expire = useCallback(
    (reason: string) => {
      const detail = reason.trim().replace(/[.\s]+$/, '');
      leave({
        tone: 'error',
        message: `The server no longer accepts this token (${detail || 'it may have been revoked'}). Sign in with a current token.`,
        at: Date.now(),
      });
    },
    [leave],
  );

  const abandonRetry = useCallback(() => {
    generation.current++;
    clearTimeout(retryTimer.current);
    setState({ status: 'signed-out', pending: false });
  }, []);

  return { state, signIn, logout, expire, abandonRetry };
}
