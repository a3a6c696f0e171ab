import type { Role } from '../../../server/protocol/roles.ts';

export type { Role };

/** Mirrors `ROLES` in server/protocol/roles.ts; `satisfies` fails the build if a role is added there. */
const RANK = { overlay: 0, operator: 1, admin: 2 } as const satisfies Record<Role, number>;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** The control UI needs at least this role (overlay tokens are read-only, for OBS). */
export const CONTROL_UI_MIN_ROLE: Role = 'operator';
