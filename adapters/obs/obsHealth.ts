import type { HealthReporter } from '../../server/health/HealthRegistry.ts';
import type { ObsStatus } from './ObsTypes.ts';

/**
 * `adapter:obs` from the link's status: ok when connected and answering; degraded when connected but
 * not answering, or just after the connection dropped (reconnecting); down while OBS cannot be reached
 * or refuses us (the reason says which: not running, wrong password...).
 */
export function reportObsHealth(status: ObsStatus, health: HealthReporter): void {
  const reason = status.reason ?? `not connected to ${status.url}`;
  if (status.state === 'connected') {
    if (status.reason) health.degraded(status.reason);
    else health.ok();
  } else if (status.state === 'disconnected' && status.failedAttempts === 0) {
    health.degraded(reason);
  } else {
    health.down(reason);
  }
}
