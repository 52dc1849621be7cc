/** Roles in ascending power; the order is the access rule (viewer < editor < owner). */
export const ROLES = ['VIEWER', 'EDITOR', 'OWNER'] as const;
export type Role = (typeof ROLES)[number];

/** Rank of a role for comparisons; -1 for anything else. */
export function roleRank(role: string | null | undefined): number {
  return role ? ROLES.indexOf(role as Role) : -1;
}

/** Whether `role` grants at least `min`. */
export function atLeast(role: string | null | undefined, min: Role): boolean {
  return roleRank(role) >= roleRank(min);
}

/** Accepts a role in any case; null when it is not one. */
export function parseRole(value: unknown): Role | null {
  if (typeof value !== 'string') return null;
  const up = value.trim().toUpperCase();
  return (ROLES as readonly string[]).includes(up) ? (up as Role) : null;
}
