/**
 * Who may do what. Roles are ordered: each includes everything the ones below it may do.
 * - overlay: read-only, for OBS browser sources (sees overlay state and alerts, changes nothing)
 * - operator: runs the show (fires effects, edits overlay state, manages queues)
 * - admin: everything, including tokens and configuration
 */
export const ROLES = ['overlay', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
