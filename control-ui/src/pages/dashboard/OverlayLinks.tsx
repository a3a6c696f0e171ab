import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError.ts';
import { useSession } from '../../auth/session.ts';
import { CopyButton } from '../../components/CopyButton.tsx';

interface Room {
  id: string;
  name?: string | undefined;
}

type RoomsState = { status: 'loading' } | { status: 'loaded'; rooms: Room[] } | { status: 'failed'; message: string };

const PLACEHOLDER = '<OVERLAY_TOKEN>';

export function overlayUrl(origin: string, roomId: string): { base: string; full: string } {
  const base = `${origin}/overlay/?room=${encodeURIComponent(roomId)}#token=`;
  return { base, full: base + PLACEHOLDER };
}

/**
 * The OBS browser-source URL of every room. The signed-in (admin/operator) token is deliberately NOT
 * filled in: OBS keeps source URLs in plain text, so overlays get their own read-only token.
 */
export function OverlayLinks() {
  const { api } = useSession();
  const [rooms, setRooms] = useState<RoomsState>({ status: 'loading' });

  useEffect(() => {
    const abort = new AbortController();
    api.get<{ rooms: Room[] }>('/api/rooms', abort.signal).then(
      (body) => setRooms({ status: 'loaded', rooms: Array.isArray(body?.rooms) ? body.rooms : [] }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        const message =
          error instanceof ApiError && error.rateLimited
            ? `Rate limited; reload in ${error.retryAfterSeconds ?? 'a few'} seconds.`
            : error instanceof Error
              ? error.message
              : 'Could not load the rooms.';
        setRooms({ status: 'failed', message });
      },
    );
    return () => abort.abort();
  }, [api]);

  return (
    <section class="card" aria-labelledby="overlays-title" data-testid="overlay-links">
      <header class="card-header">
        <h2 id="overlays-title">Overlays for OBS</h2>
      </header>
      <div class="card-body">
        <p class="muted">
          Add a <strong>Browser</strong> source in OBS (1920 × 1080) with the room's URL. The overlay keeps its last
          picture and reconnects by itself, whether OBS or Roomcast starts first.
        </p>

        {rooms.status === 'loading' && <p class="muted">Loading rooms…</p>}
        {rooms.status === 'failed' && (
          <p class="notice notice--error" role="alert">
            {rooms.message}
          </p>
        )}
        {rooms.status === 'loaded' && rooms.rooms.length === 0 && (
          <p class="muted">No rooms are configured (add them under rooms: in roomcast.yaml).</p>
        )}
        {rooms.status === 'loaded' && rooms.rooms.length > 0 && (
          <ul class="room-list">
            {rooms.rooms.map((room) => (
              <RoomLink key={room.id} room={room} />
            ))}
          </ul>
        )}

        <div class="callout">
          <p>
            <strong>Replace {PLACEHOLDER}</strong> with an overlay token. Create one on the server with{' '}
            <code class="command">roomcast token create --role overlay</code>
          </p>
          <p class="muted">
            Overlay tokens can only watch: never put your admin or operator token into OBS — scene collections store
            URLs in plain text. The token sits after <code>#</code>, so it never reaches server logs.
          </p>
          <p class="muted">
            Optional look, added before the <code>#</code>: <code>&amp;theme=light</code>,{' '}
            <code>&amp;accent=%23ff0066</code>, <code>&amp;font=Inter</code> (fonts installed on the OBS machine),{' '}
            <code>&amp;position=top</code>, <code>&amp;scale=1.5</code>.
          </p>
        </div>
      </div>
    </section>
  );
}

function RoomLink({ room }: { room: Room }) {
  const code = useRef<HTMLElement>(null);
  const { base, full } = overlayUrl(window.location.origin, room.id);
  return (
    <li class="room" data-testid="overlay-link" data-room={room.id}>
      <div class="room-title">
        <span class="room-name">{room.name ?? room.id}</span>
        {room.name && <code class="room-id">{room.id}</code>}
      </div>
      <div class="url-row">
        <code class="url" ref={code}>
          {base}
          <mark class="placeholder">{PLACEHOLDER}</mark>
        </code>
        <CopyButton text={full} fallbackTarget={() => code.current} />
      </div>
    </li>
  );
}
