import { useState } from 'preact/hooks';
import type { ReloadReport } from '../../../../pipelines/protocol.ts';
import { formatRelative } from '../../format/relativeTime.ts';

interface ReloadPanelProps {
  report: ReloadReport | null;
  watching: string | null;
  canReload: boolean;
  now: number;
  onReload(): Promise<string | null>;
}

function list(label: string, ids: string[]) {
  return ids.length ? `${label} ${ids.join(', ')}` : '';
}

/** What the last reload did (or why it was refused), and a button to reload now (admins). */
export function ReloadPanel({ report, watching, canReload, now, onReload }: ReloadPanelProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reload = async () => {
    setPending(true);
    setError(await onReload());
    setPending(false);
  };
  const changes = report ? [list('added', report.added), list('removed', report.removed), list('restarted', report.restarted)].filter(Boolean).join('; ') : '';
  return (
    <section class="card reload-panel" data-testid="reload-panel">
      <div class="card-body reload-body">
        <div>
          <p>
            {watching ? (
              <>
                Pipelines follow <span class="mono">{watching}</span>: saving it applies the changes without a restart.
              </>
            ) : (
              'Running on embedded defaults: there is no config file to follow.'
            )}
          </p>
          {report && (
            <div class={`notice ${report.ok ? 'notice--info' : 'notice--error'}`} data-testid="reload-report" data-ok={String(report.ok)}>
              <strong>
                {report.ok ? 'Reloaded' : 'Reload refused, the running pipelines were kept'} {formatRelative(report.at, now)} ({report.trigger === 'file' ? 'file saved' : 'by request'})
              </strong>
              {report.ok && <div>{changes || 'No pipeline changed.'}</div>}
              {report.problems.length > 0 && (
                <ul class="mono small">
                  {report.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              )}
              {report.restartRequired.length > 0 && <div>Changed sections that need a server restart: {report.restartRequired.join(', ')}.</div>}
            </div>
          )}
          {error && (
            <p class="notice notice--error" role="alert">
              {error}
            </p>
          )}
        </div>
        {canReload && (
          <button type="button" class="button" data-testid="reload-button" disabled={pending} onClick={() => void reload()}>
            {pending ? 'Reloading…' : 'Reload config'}
          </button>
        )}
      </div>
    </section>
  );
}
