import { useEffect, useState } from 'preact/hooks';

/** Opened without `?zone=`: the zones the server currently plays audio to in this room. */
export function ZonePicker({ token, room }: { token: string; room: string }) {
  const [zones, setZones] = useState<Array<{ zone: string; live: boolean }> | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    fetch('/api/media/workers', { headers: { authorization: `Bearer ${token}` } })
      .then(async (res) => {
        if (!res.ok) throw new Error(res.status === 401 ? 'The server refused this token.' : `The server answered ${res.status}.`);
        const body = (await res.json()) as { zones: Array<{ room: string; zone: string; live: boolean }> };
        setZones(body.zones.filter((z) => z.room === room));
      })
      .catch((err: Error) => setError(err.message));
  }, [token, room]);
  const link = (zone: string) => `?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(window.location.search)), zone }).toString()}`;
  return (
    <main class="gate">
      <div class="card gate-card">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Roomcast <span class="brand-sub">Listen</span>
        </div>
        <h2>Choose a zone in {room}</h2>
        {error && <p class="error-text">{error}</p>}
        {zones?.length === 0 && <p class="muted">Nothing plays in this room right now. Add <code>?zone=name</code> to wait for a zone.</p>}
        <ul class="room-list">
          {zones?.map((z) => (
            <li key={z.zone}>
              <a href={link(z.zone)}>
                <strong>{z.zone}</strong> <span class="muted small">{z.live ? 'playing' : 'interrupted'}</span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </main>
  );
}
