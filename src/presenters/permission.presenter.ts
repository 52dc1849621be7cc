import type { PermissionWithUser } from '../db/types.js';
import type { Role } from '../domain/roles.js';

export interface PresentedPermission {
  user_id: number;
  username: string;
  role: Role;
}

/** The permission list of an event as the API returns it (owner first, as the repository sorts it). */
export function presentPermissions(rows: PermissionWithUser[]): PresentedPermission[] {
  return rows.map((r) => ({ user_id: r.user_id, username: r.username, role: r.role }));
}
