import { useState } from 'preact/hooks';
import type { PipelineStatus } from '../../../../pipelines/protocol.ts';
import { StateBadge } from '../dashboard/StateBadge.tsx';
import { count, rate } from './format.ts';
import { StageTable } from './StageTable.tsx';

interface PipelineCardProps {
  pipeline: PipelineStatus;
  canToggle: boolean;
  onToggle(id: string, enabled: boolean): Promise<string | null>;
}

/** One pipeline: its switch, health, source, every stage and sink live, and its latest events. */
export function PipelineCard({ pipeline, canToggle, onToggle }: PipelineCardProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setPending(true);
    setError(await onToggle(pipeline.id, !pipeline.enabled));
    setPending(false);
  };
  const stateText = pipeline.state === 'disabled' ? 'Off' : pipeline.state === 'finished' ? 'Finished' : 'Running';
  return (
    <section class={`card pipeline-card${pipeline.enabled ? '' : ' is-off'}`} data-testid="pipeline-card" data-id={pipeline.id} data-enabled={String(pipeline.enabled)} data-health={pipeline.health}>
      <header class="card-header pipeline-header">
        <div class="pipeline-title">
          <h2>{pipeline.name ?? pipeline.id}</h2>
          {pipeline.name && <span class="muted mono">{pipeline.id}</span>}
          <span class={`pipeline-state pipeline-state--${pipeline.state}`}>{stateText}</span>
          {pipeline.enabled && <StateBadge state={pipeline.health} />}
          {pipeline.enabled !== pipeline.configuredEnabled && (
            <span class="tag" title="Switched here; roomcast.yaml says otherwise (until the file changes it)">
              {pipeline.enabled ? 'on' : 'off'} until the config changes
            </span>
          )}
        </div>
        <label class={`switch${pending ? ' is-pending' : ''}`} title={canToggle ? 'Run or stop this pipeline now' : 'Operators can switch pipelines'}>
          <input type="checkbox" role="switch" data-testid="pipeline-toggle" checked={pipeline.enabled} disabled={!canToggle || pending} onChange={() => void toggle()} />
          <span class="switch-track" aria-hidden="true" />
          <span class="visually-hidden">Enabled</span>
        </label>
      </header>
      <div class="card-body">
        {error && (
          <p class="notice notice--error" role="alert">
            {error}
          </p>
        )}
        {pipeline.problems.length > 0 && (
          <ul class="pipeline-problems" data-testid="pipeline-problems">
            {pipeline.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        <p class="pipeline-source">
          <span class="muted">Source</span> {pipeline.source.description}
          {pipeline.enabled && (
            <span class="muted">
              {' '}
              · {rate(pipeline.source.rate)} · {count(pipeline.source.frames)} frames
            </span>
          )}
          <span class="muted"> · room {pipeline.room}</span>
        </p>
        <StageTable stages={[...pipeline.stages, ...pipeline.sinks]} pipelineId={pipeline.id} />
        {pipeline.recentEvents.length > 0 && (
          <details class="pipeline-events">
            <summary>Latest events ({pipeline.recentEvents.length})</summary>
            <ol>
              {[...pipeline.recentEvents].reverse().slice(0, 8).map((event) => (
                <li key={`${event.at}-${event.type}`} class="mono small">
                  {new Date(event.at).toLocaleTimeString()} {event.type} {JSON.stringify(event.payload)?.slice(0, 160)}
                </li>
              ))}
            </ol>
          </details>
        )}
      </div>
    </section>
  );
}
