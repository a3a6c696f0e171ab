import { formatBitrate, formatBytes, formatClock, shortId } from './format.ts';
import type { PublisherSnapshot, TrackStatus } from './Publisher.ts';

const TRANSPORT_TEXT: Record<string, string> = {
  none: 'Not connected',
  new: 'Starting',
  connecting: 'Connecting (ICE/DTLS)…',
  connected: 'Connected',
  disconnected: 'Interrupted',
  failed: 'Failed',
  closed: 'Closed',
};

function quality(score: number | null): string {
  if (score === null) return '—';
  if (score >= 9) return `${score}/10 excellent`;
  if (score >= 7) return `${score}/10 good`;
  if (score >= 4) return `${score}/10 fair`;
  return `${score}/10 poor`;
}

function TrackRow({ track }: { track: TrackStatus }) {
  const format = track.kind === 'video' && track.frameWidth ? `${track.frameWidth}×${track.frameHeight}${track.framesPerSecond ? ` · ${Math.round(track.framesPerSecond)} fps` : ''}` : track.kind === 'audio' ? 'Opus' : '—';
  return (
    <tr data-testid="capture-track" data-kind={track.kind} data-label={track.label} data-producer-id={track.producerId ?? ''} data-sent-bytes={track.sentBytes}>
      <td>
        <span class={`kind kind--${track.kind}`}>{track.kind === 'video' ? 'Camera' : 'Mic'}</span>
        <code>{track.label}</code>
        {track.measurement && <span class="tag" title="Echo cancellation, noise suppression and auto gain off">measurement</span>}
        {track.trackEnded && <span class="tag tag--bad">device stopped</span>}
      </td>
      <td>{format}</td>
      <td class="num">{formatBitrate(track.sentBitrate)}</td>
      <td class="num">{formatBitrate(track.serverBitrate)}</td>
      <td>{quality(track.serverScore)}</td>
      <td class="num">{formatBytes(track.sentBytes)}</td>
      <td>
        <code title={track.producerId ?? ''}>{shortId(track.producerId)}</code>
      </td>
    </tr>
  );
}

/** Connection and per-track figures: what the browser sends and what the server says it receives. */
export function StatusPanel({ snapshot }: { snapshot: PublisherSnapshot }) {
  return (
    <>
      <section class="card status-card" aria-label="Connection">
        <h2>Connection</h2>
        <dl class="facts">
          <div>
            <dt>Signaling</dt>
            <dd data-testid="capture-signaling">
              <span class={`dot dot--${snapshot.signaling === 'connected' ? 'ok' : snapshot.signaling === 'connecting' ? 'pending' : 'bad'}`} />
              {snapshot.signaling === 'connected' ? 'Connected' : snapshot.signaling === 'connecting' ? 'Connecting…' : 'Disconnected'}
            </dd>
          </div>
          <div>
            <dt>Media</dt>
            <dd data-testid="capture-transport">
              <span class={`dot dot--${snapshot.transport === 'connected' ? 'ok' : snapshot.transport === 'failed' ? 'bad' : 'pending'}`} />
              {TRANSPORT_TEXT[snapshot.transport] ?? snapshot.transport}
            </dd>
          </div>
          <div>
            <dt>Reconnects</dt>
            <dd>{snapshot.reconnects}</dd>
          </div>
          <div class="facts-wide">
            <dt>Status</dt>
            <dd data-testid="capture-detail">{snapshot.detail}</dd>
          </div>
        </dl>
        <div class="table-wrap">
          <table class="tracks">
            <thead>
              <tr>
                <th>Track</th>
                <th>Format</th>
                <th class="num">Sending</th>
                <th class="num">Server receives</th>
                <th>Quality</th>
                <th class="num">Sent</th>
                <th>Producer</th>
              </tr>
            </thead>
            <tbody>
              {snapshot.tracks.length === 0 ? (
                <tr>
                  <td colSpan={7} class="muted">
                    Nothing published yet. Choose your sources and press <strong>Go live</strong>.
                  </td>
                </tr>
              ) : (
                snapshot.tracks.map((track) => <TrackRow key={track.label} track={track} />)
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card log-card" aria-label="Events">
        <h2>Events</h2>
        {snapshot.log.length === 0 ? (
          <p class="muted small">No events yet.</p>
        ) : (
          <ol class="log" data-testid="capture-log">
            {snapshot.log.map((entry, index) => (
              <li key={`${entry.at}-${index}`} class={`log-${entry.level}`}>
                <time>{formatClock(entry.at)}</time> {entry.text}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
