import type { HealthState } from '../../../../server/protocol/health.ts';
import { STATE_ICON, STATE_LABEL } from './healthState.ts';

export function StateBadge({ state }: { state: HealthState }) {
  return (
    <span class={`badge badge--${state}`}>
      <span class="badge-icon" aria-hidden="true">
        {STATE_ICON[state]}
      </span>
      {STATE_LABEL[state]}
    </span>
  );
}
