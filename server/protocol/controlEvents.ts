import type { HealthEntry } from './health.ts';
import type { Role } from './roles.ts';

/** Socket.io namespace for the control UI (operator and admin tokens). */
export const CONTROL_NAMESPACE = '/control';

export interface ControlServerToClientEvents {
  /** Full health list, sent on connect. */
  'health:snapshot': (entries: HealthEntry[]) => void;
  /** One entry changed state. */
  'health:update': (entry: HealthEntry) => void;
  /** An entry is gone (its pipeline, output or decoder was removed): drop it from the list. */
  'health:remove': (name: string) => void;
}

export interface ControlClientToServerEvents {
  'health:get': (ack: (entries: HealthEntry[]) => void) => void;
}

/** What the server knows about every authenticated socket. */
export interface AuthenticatedSocketData {
  tokenId: string;
  role: Role;
}
