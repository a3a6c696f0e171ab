import { useEffect, useRef, useState } from 'preact/hooks';
import { useNow } from '../format/useNow.ts';
import type { Notice } from './useAuth.ts';
import { normaliseTokenInput } from './tokenStorage.ts';

interface LoginFormProps {
  pending: boolean;
  notice?: Notice | undefined;
  onSubmit(token: string): void;
}

/** Paste a token (or a whole `#token=` login link); verified against `/api/whoami` before it is kept. */
export function LoginForm({ pending, notice, onSubmit }: LoginFormProps) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const retryUntil = notice?.retryAfterSeconds !== undefined ? notice.at + notice.retryAfterSeconds * 1000 : 0;
  const now = useNow(1000, retryUntil > Date.now());
  const waitSeconds = Math.max(0, Math.ceil((retryUntil - now) / 1000));

  useEffect(() => {
    if (!pending) input.current?.focus();
  }, [pending, notice]);

  const token = normaliseTokenInput(value);
  const blocked = waitSeconds > 0;
  const errorText =
    notice?.tone === 'error' && notice.retryAfterSeconds !== undefined
      ? blocked
        ? `Too many failed sign-in attempts from this address. Wait ${waitSeconds} second${waitSeconds === 1 ? '' : 's'}, then try again.`
        : 'You can try again now.'
      : notice?.message;

  return (
    <main class="login">
      <form
        class="login-card"
        data-testid="login-form"
        aria-labelledby="login-title"
        onSubmit={(event) => {
          event.preventDefault();
          if (token !== '' && !pending && !blocked) onSubmit(token);
        }}
      >
        <div class="brand brand--large" aria-hidden="true">
          <span class="brand-mark" />
          Roomcast
        </div>
        <h1 id="login-title">Sign in to the control room</h1>
        <p class="muted">
          Use the login link <code>roomcast start</code> printed the first time it ran, or paste an operator or admin
          token below.
        </p>

        {notice && (
          <p
            class={`notice notice--${notice.tone}`}
            role={notice.tone === 'error' ? 'alert' : 'status'}
            data-testid={notice.tone === 'error' ? 'login-error' : 'login-notice'}
          >
            {errorText}
          </p>
        )}

        <label class="field">
          <span class="field-label">Access token</span>
          <input
            ref={input}
            data-testid="token-input"
            type="password"
            name="token"
            placeholder="rct_…"
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            required
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
            aria-describedby="token-help"
          />
        </label>
        <p id="token-help" class="hint">
          Lost it? On the server, run <code>roomcast token create --role operator</code>. The token is kept in this
          browser until you sign out.
        </p>

        <button class="button button--primary" type="submit" data-testid="login-submit" disabled={pending || blocked || token === ''}>
          {pending ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
