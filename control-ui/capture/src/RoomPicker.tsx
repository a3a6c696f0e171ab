import { useEffect, useState } from 'preact/hooks';

interface RoomEntry {
  id: string;
  name?: string;
}

/** Opened without `?room=`: list the server's rooms to choose from. */
export function RoomPicker({ token, page }: { token: string; page: 'capture' | 'listen' }) {
  const [rooms, setRooms] = useState<RoomEntry[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    fetch('/api/rooms', { headers: { authorization: `Bearer ${token}` } })
      .then(async (res) => {
        if (!res.ok) throw new Error(res.status === 401 ? 'The server refused this token.' : `The server answered ${res.status}.`);
        const body = (await res.json()) as { rooms: RoomEntry[] };
        setRooms(body.rooms);
      })
      .catch((err: Error) => setError(err.message));
  }, [token]);
  return (
    <main class="gate">
      <div class="card gate-card">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Roomcast <span class="brand-sub">{page === 'capture' ? 'Capture' : 'Listen'}</span>
        </div>
        <h2>Choose a room</h2>
        {error && <p class="error-text">{error}</p>}
        {!rooms && !error && <p class="muted">Loading rooms…</p>}
        <ul class="room-list">
          {rooms?.map((room) => (
            <li key={room.id}>
              <a href={`?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(window.location.search)), room: room.id }).toString()}`}>
                <strong>{room.name ?? room.id}</strong> <code>{room.id}</code>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </main>
  );
}
