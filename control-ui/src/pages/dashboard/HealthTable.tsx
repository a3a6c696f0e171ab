import type { HealthEntry } from '../../../../server/protocol/health.ts';
import { formatAbsolute, formatRelative } from '../../format/relativeTime.ts';
import { sortEntries } from './healthState.ts';
import { StateBadge } from './StateBadge.tsx';

interface HealthTableProps {
  entries: HealthEntry[] | null;
  stale: boolean;
  now: number;
}

/** One row per HealthEntry, in a stable order. */
export function HealthTable({ entries, stale, now }: HealthTableProps) {
  return (
    <section class={`card${stale ? ' is-stale' : ''}`} aria-labelledby="health-title">
      <header class="card-header">
        <h2 id="health-title">Health</h2>
        {stale && <span class="tag">last known</span>}
      </header>
      {entries === null ? (
        <p class="card-empty muted">No report yet.</p>
      ) : entries.length === 0 ? (
        <p class="card-empty muted">The server reported no subsystems.</p>
      ) : (
        <table class="health-table">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Component</th>
              <th scope="col">Reason</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {sortEntries(entries).map((entry) => (
              <tr
                key={entry.name}
                class={`health-row health-row--${entry.state}`}
                data-testid="health-row"
                data-name={entry.name}
                data-state={entry.state}
              >
                <td class="cell-state" data-label="State">
                  <StateBadge state={entry.state} />
                </td>
                <th scope="row" class="cell-name" data-label="Component">
                  <span class="entry-name">{entry.name}</span>
                  <span class="entry-meta">
                    {entry.kind === 'adapter' ? 'Adapter' : 'Subsystem'}
                    {entry.critical && <span class="tag tag--critical">critical</span>}
                  </span>
                </th>
                <td class={`cell-reason${entry.reason ? '' : ' cell-reason--empty'}`} data-label="Reason">
                  {entry.reason ? entry.reason : <span class="muted">—</span>}
                </td>
                <td class="cell-since" data-label="Since">
                  <time dateTime={new Date(entry.since).toISOString()} title={formatAbsolute(entry.since)}>
                    {formatRelative(entry.since, now)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
