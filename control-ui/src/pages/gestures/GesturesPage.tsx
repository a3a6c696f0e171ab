import { useEffect } from 'preact/hooks';
import { roleAtLeast } from '../../auth/roles.ts';
import { useSession } from '../../auth/session.ts';
import { formatRelative } from '../../format/relativeTime.ts';
import { useNow } from '../../format/useNow.ts';
import { LiveView } from './LiveView.tsx';
import { RulesEditor } from './RulesEditor.tsx';
import { useGestures } from './useGestures.ts';
import './gestures.css';

/**
 * Gestures: a source's live picture with the hand landmarks found in it, the current label and
 * confidence, gestures as they start and end, which rules fired, and the rules themselves.
 *
 * The picture is a JPEG snapshot of the very frame the stage analysed (sent over `/gestures` while the
 * page watches), not the WebRTC stream: the drawn landmarks line up with the picture exactly (a live
 * stream runs ahead of the analysis by its latency), it works for file and RTP sources that have no
 * WebRTC stream, and it costs nothing while nobody watches.
 */
export function GesturesPage() {
  const session = useSession();
  const gestures = useGestures(session.token);
  const now = useNow(5_000);
  const canOperate = roleAtLeast(session.role, 'operator');
  const { sources, watching, watch } = gestures;

  // Watch the first source by default, and move on when the watched one goes away.
  useEffect(() => {
    if (watching && sources.some((s) => s.source === watching)) return;
    watch(sources[0]?.source ?? null);
  }, [sources, watching, watch]);

  const active = gestures.observation?.active ?? [];
  return (
    <div class="page gestures-page" data-testid="gestures-page">
      <header class="page-header">
        <h1>Gestures</h1>
        <p class="muted">Hands the gesture stages see, what they recognise, and the rules that turn gestures into actions.</p>
      </header>
      {gestures.link !== 'live' && gestures.detail && <p class="notice notice--info">{gestures.detail}</p>}

      <div class="gestures-grid">
        <section class="card">
          <header class="card-header">
            <h2>Live</h2>
            <label class="gesture-source-picker">
              <span class="visually-hidden">Source</span>
              <select value={watching ?? ''} onChange={(e) => watch((e.target as HTMLSelectElement).value || null)} data-testid="gesture-source">
                {sources.length === 0 && <option value="">No gesture stage running</option>}
                {sources.map((s) => (
                  <option key={s.source} value={s.source}>
                    {s.source} ({s.mode === 'browser' ? 'landmarks from the browser' : 'found on the server'})
                  </option>
                ))}
              </select>
            </label>
          </header>
          <div class="card-body">
            {sources.length === 0 ? (
              <p class="muted">
                No pipeline with a <code>gesture</code> stage is running. Add one to <code>pipelines:</code> in roomcast.yaml (source: a room's camera, or a file).
              </p>
            ) : (
              <LiveView connection={gestures} />
            )}
          </div>
        </section>

        <section class="card" data-testid="gesture-activity">
          <header class="card-header">
            <h2>Held now</h2>
          </header>
          <div class="card-body">
            {active.length === 0 ? (
              <p class="muted">No gesture held.</p>
            ) : (
              <ul class="gesture-active">
                {active.map((a) => (
                  <li key={a.hand} data-testid="gesture-active">
                    <strong>{a.label}</strong> <span class="muted small">{a.hand} hand · {Math.round(a.confidence * 100)}% · held {Math.max(0, Math.round((Date.now() - a.since) / 100) / 10)} s</span>
                  </li>
                ))}
              </ul>
            )}
            <h3 class="gesture-subhead">Recent</h3>
            {gestures.events.length === 0 ? (
              <p class="muted small">Nothing yet.</p>
            ) : (
              <ul class="gesture-events">
                {gestures.events.map((e, i) => (
                  <li key={`${e.emittedAt}-${i}`} class={`gesture-event gesture-event--${e.phase}`} data-testid="gesture-event">
                    <span class="gesture-event-phase">{e.phase === 'start' ? '▶' : '■'}</span> <strong>{e.label}</strong>{' '}
                    <span class="muted small">
                      {e.hand} · {e.source} · {e.phase === 'end' && e.durationMs !== undefined ? `held ${(e.durationMs / 1000).toFixed(1)} s · ` : ''}
                      {Math.round(e.latencyMs)} ms after capture · {formatRelative(e.emittedAt, now)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {gestures.firings.length > 0 && (
              <>
                <h3 class="gesture-subhead">Rules fired</h3>
                <ul class="gesture-events">
                  {gestures.firings.map((f, i) => (
                    <li key={`${f.at}-${i}`} class={f.ok ? '' : 'error-text'} data-testid="gesture-firing">
                      Rule {f.rule + 1}: {f.event.label} ({f.event.hand}) {f.ok ? '' : `failed: ${f.error}`} <span class="muted small">{formatRelative(f.at, now)}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        </section>
      </div>

      <RulesEditor liveRules={gestures.rules} canOperate={canOperate} />
    </div>
  );
}
