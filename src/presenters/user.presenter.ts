import type { UserRow } from '../db/types.js';
import { iso } from '../domain/time.js';

export interface PublicUser {
  id: number;
  username: string;
  email: string;
  created_at: string;
}

/** The user as the API shows it: never the password hash. */
export function presentUser(u: UserRow): PublicUser {
  return { id: u.id, username: u.username, email: u.email, created_at: iso(u.created_at) };
}
