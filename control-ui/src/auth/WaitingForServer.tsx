import { useNow } from '../format/useNow.ts';

interface WaitingForServerProps {
  attempt: number;
  retryAt: number;
  onUseAnotherToken(): void;
}

/** A saved or linked token could not be checked because the server is down or restarting. */
export function WaitingForServer({ attempt, retryAt, onUseAnotherToken }: WaitingForServerProps) {
  const now = useNow(1000);
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
  return (
    <main class="login">
      <section class="login-card" aria-live="polite" data-testid="waiting-for-server">
        <div class="brand brand--large" aria-hidden="true">
          <span class="brand-mark" />
          Roomcast
        </div>
        <h1>Waiting for the Roomcast server…</h1>
        <p class="muted">
          The server at <code>{window.location.host}</code> is not answering. Is it running? Start it with{' '}
          <code>roomcast start</code>; this page signs in by itself as soon as it answers.
        </p>
        <p class="hint">
          {seconds > 0 ? `Next try in ${seconds} s` : 'Trying…'} (attempt {attempt + 1})
        </p>
        <button class="button" type="button" onClick={onUseAnotherToken}>
          Sign in with another token
        </button>
      </section>
    </main>
  );
}
