/** Health of one subsystem, adapter or peer, as shown on the dashboard and served by /readyz. */
export type HealthState = 'ok' | 'degraded' | 'down';

export type HealthKind = 'subsystem' | 'adapter';

export interface HealthEntry {
  /** Stable id, e.g. `redis`, `event-bus`, `adapter:hue`. */
  name: string;
  kind: HealthKind;
  state: HealthState;
  /** Why it is not ok (empty when ok). */
  reason?: string | undefined;
  /** Epoch ms of the last state change. */
  since: number;
  /** Whether the server can serve without it (readyz fails only on critical entries being down). */
  critical: boolean;
}
