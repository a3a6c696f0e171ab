import type { HealthEntry } from '../../../../server/protocol/health.ts';
import { countByState } from './healthState.ts';

interface HealthSummaryProps {
  entries: HealthEntry[] | null;
  stale: boolean;
}

/** One sentence for the whole server: everything fine, degraded, or not ready (a critical entry down). */
export function HealthSummary({ entries, stale }: HealthSummaryProps) {
  if (entries === null) {
    return (
      <section class="summary summary--pending" aria-live="polite">
        <span class="summary-icon" aria-hidden="true" />
        <div>
          <h2 class="summary-title">Waiting for the first health report…</h2>
          <p class="muted">It arrives as soon as the live connection is up.</p>
        </div>
      </section>
    );
  }
  const counts = countByState(entries);
  const criticalDown = entries.filter((entry) => entry.critical && entry.state === 'down');
  const tone = criticalDown.length > 0 || counts.down > 0 ? 'down' : counts.degraded > 0 ? 'degraded' : 'ok';
  const title =
    criticalDown.length > 0
      ? `Not ready: ${criticalDown.map((entry) => entry.name).join(', ')} ${criticalDown.length === 1 ? 'is' : 'are'} down`
      : tone === 'down'
        ? 'Running with failures'
        : tone === 'degraded'
          ? 'Running, partly degraded'
          : 'All systems operational';

  const names = (state: HealthEntry['state']) =>
    entries
      .filter((entry) => entry.state === state)
      .map((entry) => entry.name)
      .join(', ');
  const problems = [
    counts.down > 0 ? `Down: ${names('down')}` : '',
    counts.degraded > 0 ? `Degraded: ${names('degraded')}` : '',
  ].filter(Boolean);
  const detail =
    problems.length > 0
      ? `${problems.join(' · ')}.${criticalDown.length === 0 ? ' Every critical subsystem is up.' : ''}`
      : `${entries.length} component${entries.length === 1 ? '' : 's'} reporting, updated live.`;

  return (
    <section class={`summary summary--${tone}${stale ? ' is-stale' : ''}`} aria-live="polite" data-testid="health-summary" data-state={tone}>
      <span class="summary-icon" aria-hidden="true" />
      <div class="summary-text">
        <h2 class="summary-title">{title}</h2>
        <p class="muted">{stale ? `Last known state, not live. ${problems.join(' · ')}` : detail}</p>
      </div>
      <dl class="summary-counts">
        <div class="count count--ok">
          <dt>OK</dt>
          <dd>{counts.ok}</dd>
        </div>
        <div class="count count--degraded">
          <dt>Degraded</dt>
          <dd>{counts.degraded}</dd>
        </div>
        <div class="count count--down">
          <dt>Down</dt>
          <dd>{counts.down}</dd>
        </div>
      </dl>
    </section>
  );
}
