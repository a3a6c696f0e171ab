import { useMemo } from 'preact/hooks';
import { createApiClient } from './api/apiClient.ts';
import { LoginForm } from './auth/LoginForm.tsx';
import { SessionContext, type Session } from './auth/session.ts';
import { useAuth } from './auth/useAuth.ts';
import { WaitingForServer } from './auth/WaitingForServer.tsx';
import { Shell } from './shell/Shell.tsx';

/** Signed out -> login form; signed in -> the shell with its pages. */
export function App({ linkToken }: { linkToken: string | null }) {
  const auth = useAuth(linkToken);
  const { state, logout, expire } = auth;

  const session = useMemo<Session | null>(() => {
    if (state.status !== 'signed-in') return null;
    return {
      token: state.token,
      tokenId: state.tokenId,
      role: state.role,
      api: createApiClient(state.token, (error) => expire(error.message)),
      logout,
      expire,
    };
  }, [state, logout, expire]);

  switch (state.status) {
    case 'checking':
      return (
        <main class="login" aria-busy="true">
          <p class="muted">Checking your token…</p>
        </main>
      );
    case 'unreachable':
      return <WaitingForServer attempt={state.attempt} retryAt={state.retryAt} onUseAnotherToken={auth.abandonRetry} />;
    case 'signed-out':
      return <LoginForm pending={state.pending} notice={state.notice} onSubmit={auth.signIn} />;
    case 'signed-in':
      return (
        <SessionContext.Provider value={session}>
          <Shell />
        </SessionContext.Provider>
      );
  }
}
