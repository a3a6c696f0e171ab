import type { HealthEntry, HealthState } from '../../../../server/protocol/health.ts';

/** Words and a shape for each state, so colour is never the only signal. */
export const STATE_LABEL: Record<HealthState, string> = { ok: 'OK', degraded: 'Degraded', down: 'Down' };
export const STATE_ICON: Record<HealthState, string> = { ok: '✓', degraded: '!', down: '✕' };

/** Subsystems before adapters, then by name: rows stay where they are when their state changes. */
export function sortEntries(entries: readonly HealthEntry[]): HealthEntry[] {
  return [...entries].sort(
    (a, b) => (a.kind === b.kind ? 0 : a.kind === 'subsystem' ? -1 : 1) || a.name.localeCompare(b.name),
  );
}

export function countByState(entries: readonly HealthEntry[]): Record<HealthState, number> {
  const counts: Record<HealthState, number> = { ok: 0, degraded: 0, down: 0 };
  for (const entry of entries) counts[entry.state]++;
  return counts;
}
