import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../api/apiClient.ts';
import type { Role } from './roles.ts';

/** A verified sign-in, available to every page below the shell. */
export interface Session {
  token: string;
  tokenId: string;
  role: Role;
  api: ApiClient;
  /** Forget the token and return to the login form. */
  logout(): void;
  /** The server stopped accepting the token (401 anywhere): back to the login form, with the reason. */
  expire(reason: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession() used outside a signed-in shell');
  return session;
}
