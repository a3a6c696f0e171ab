import type { LightsFiringView } from '../../../../server/protocol/lightsEvents.ts';
import { formatRelative } from '../../format/relativeTime.ts';

interface RunningEffectsProps {
  firings: LightsFiringView[];
  now: number;
  canStop: boolean;
  onStop(id: string): void;
  onStopAll(): void;
}

/** What is running now, over what, from where; each can be released (it fades out). */
export function RunningEffects({ firings, now, canStop, onStop, onStopAll }: RunningEffectsProps) {
  return (
    <div class="running" data-testid="running-effects">
      {firings.length === 0 ? (
        <p class="card-empty muted">No effects running: every fixture shows its base look.</p>
      ) : (
        <ul class="firing-list">
          {firings.map((firing) => (
            <li key={firing.id} class={`firing firing--${firing.state}`} data-testid="firing" data-effect={firing.effect} data-state={firing.state}>
              <span class="firing-effect">{firing.effect}</span>
              <span class="firing-detail muted">
                {firing.fixtures.length} fixture{firing.fixtures.length === 1 ? '' : 's'} · p{firing.priority}
                {firing.layer ? ` · layer ${firing.layer}` : ''} · {firing.source} · {formatRelative(firing.startedAt, now)}
                {firing.durationMs === null ? ' · until stopped' : ''}
              </span>
              <span class={`tag${firing.state === 'releasing' ? ' tag--fading' : ''}`}>{firing.state === 'releasing' ? 'fading out' : 'running'}</span>
              <button type="button" class="button button--small" disabled={!canStop || firing.state === 'releasing'} onClick={() => onStop(firing.id)}>
                Stop
              </button>
            </li>
          ))}
        </ul>
      )}
      {firings.length > 0 && (
        <div class="running-actions">
          <button type="button" class="button button--small" disabled={!canStop} onClick={onStopAll} data-testid="stop-all">
            Release all
          </button>
        </div>
      )}
    </div>
  );
}
