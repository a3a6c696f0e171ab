import { useState } from 'preact/hooks';
import { normaliseTokenInput } from '../../../src/auth/tokenStorage.ts';

/** Asks for a token (or a pasted login link) when the page was opened without one. */
export function TokenForm({ title, role, notice, onToken }: { title: string; role: string; notice?: string | undefined; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <main class="gate">
      <form
        class="card gate-card"
        onSubmit={(e) => {
          e.preventDefault();
          const token = normaliseTokenInput(value);
          if (token) onToken(token);
        }}
      >
        <div class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Roomcast <span class="brand-sub">{title}</span>
        </div>
        <p class="muted">
          This page needs a token with the <strong>{role}</strong> role. Paste the token or a link containing <code>#token=</code>.
        </p>
        {notice && (
          <p class="error-text" role="alert" data-testid="token-notice">
            {notice}
          </p>
        )}
        <label class="field">
          <span>Token</span>
          <input type="password" autocomplete="off" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} data-testid="token-input" />
        </label>
        <button class="button button--primary" type="submit" disabled={!value.trim()}>
          Continue
        </button>
      </form>
    </main>
  );
}
