import { useControl } from '../../control/ControlContext.ts';
import { useNow } from '../../format/useNow.ts';
import { HealthSummary } from './HealthSummary.tsx';
import { HealthTable } from './HealthTable.tsx';
import { OverlayLinks } from './OverlayLinks.tsx';

/** What is running, what is not and why; and how to put a room's overlay into OBS. */
export function DashboardPage() {
  const connection = useControl();
  const now = useNow(10_000);
  const stale = connection.state !== 'connected';
  return (
    <div class="page" data-testid="dashboard">
      <header class="page-header">
        <h1>Dashboard</h1>
        <p class="muted">Live health of every subsystem and adapter, and the overlay links for OBS.</p>
      </header>
      <HealthSummary entries={connection.health} stale={stale} />
      <HealthTable entries={connection.health} stale={stale} now={now} />
      <OverlayLinks />
    </div>
  );
}
