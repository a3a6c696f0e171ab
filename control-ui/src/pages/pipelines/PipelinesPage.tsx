import { ApiError } from '../../api/ApiError.ts';
import { roleAtLeast } from '../../auth/roles.ts';
import { useSession } from '../../auth/session.ts';
import { useNow } from '../../format/useNow.ts';
import { PipelineCard } from './PipelineCard.tsx';
import { ReloadPanel } from './ReloadPanel.tsx';
import { usePipelines } from './usePipelines.ts';
import './pipelines.css';

const message = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : 'The request failed.');

/**
 * Every configured pipeline with each stage's live figures (rates, latency, drops, errors, restarts),
 * a switch per pipeline, and the state of config reloads.
 */
export function PipelinesPage() {
  const session = useSession();
  const live = usePipelines(session.token);
  const now = useNow(5_000);
  const snapshot = live.snapshot;

  const toggle = async (id: string, enabled: boolean): Promise<string | null> => {
    try {
      await session.api.request(`/api/pipelines/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`, { method: 'POST' });
      return null;
    } catch (err) {
      return message(err);
    }
  };
  const reload = async (): Promise<string | null> => {
    try {
      await session.api.request('/api/pipelines/reload', { method: 'POST' });
      return null;
    } catch (err) {
      // A refused reload is shown by the report itself (it arrives with the next snapshot).
      return err instanceof ApiError && err.code === 'invalid_config' ? null : message(err);
    }
  };

  return (
    <div class="page pipelines-page" data-testid="pipelines-page" data-link={live.link}>
      <header class="page-header">
        <h1>Pipelines</h1>
        <p class="muted">Sources, stages and sinks as configured in roomcast.yaml, with live figures per stage.</p>
      </header>
      {live.link !== 'live' && live.detail && (
        <p class="notice notice--info" role="status">
          {live.detail}
        </p>
      )}
      {snapshot === null ? (
        <section class="card">
          <p class="card-empty muted">{live.link === 'refused' ? live.detail : 'Connecting…'}</p>
        </section>
      ) : (
        <>
          <ReloadPanel report={snapshot.lastReload} watching={snapshot.watching} canReload={roleAtLeast(session.role, 'admin')} now={now} onReload={reload} />
          {snapshot.pipelines.length === 0 ? (
            <section class="card">
              <p class="card-empty muted" data-testid="no-pipelines">
                No pipelines are configured. Add a <span class="mono">pipelines:</span> list to roomcast.yaml.
              </p>
            </section>
          ) : (
            snapshot.pipelines.map((pipeline) => <PipelineCard key={pipeline.id} pipeline={pipeline} canToggle={roleAtLeast(session.role, 'operator')} onToggle={toggle} />)
          )}
        </>
      )}
    </div>
  );
}
