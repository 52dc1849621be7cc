import type { Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Role } from '../domain/roles.js';

/*
 * Table types: the database's source of truth. Every timestamp is epoch milliseconds (an integer in
 * both dialects, so comparisons and indexes behave the same); booleans are 0/1 integers; JSON is text.
 */

export interface UsersTable {
  id: Generated<number>;
  username: string;
  username_lower: string;
  email: string;
  password_hash: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  refresh_jti: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface EventsTable {
  id: Generated<number>;
  title: string;
  description: string;
  location: string;
  start_time: number;
  end_time: number;
  /** End of the last occurrence (exceptions applied); null when a series never ends. */
  series_end: number | null;
  timezone: string;
  is_recurring: number;
  rrule: string | null;
  exceptions: string;
  created_by: number;
  created_at: number;
  updated_at: number;
  version: number;
  deleted_at: number | null;
}

export interface EventPermissionsTable {
  event_id: number;
  user_id: number;
  role: Role;
  created_at: number;
  updated_at: number;
}

export interface EventVersionsTable {
  id: Generated<number>;
  event_id: number;
  version: number;
  data: string;
  created_at: number;
  created_by: number;
}

export interface EventChangesTable {
  id: Generated<number>;
  event_id: number;
  version: number;
  action: string;
  actor_id: number;
  target_user_id: number | null;
  summary: string;
  changed_fields: string;
  from_version: number | null;
  to_version: number | null;
  created_at: number;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  type: string;
  event_id: number | null;
  actor_id: number | null;
  message: string;
  data: string;
  is_read: number;
  created_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  user_id: number | null;
  action: string;
  created_at: number;
  ip: string | null;
  outcome: string;
  event_id: number | null;
  details: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  events: EventsTable;
  event_permissions: EventPermissionsTable;
  event_versions: EventVersionsTable;
  event_changes: EventChangesTable;
  notifications: NotificationsTable;
  audit_log: AuditLogTable;
}

/** What repositories take: the database, or the transaction a unit of work opened. */
export type Db = Kysely<Database> | Transaction<Database>;

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
export type EventUpdate = Updateable<EventsTable>;
export type PermissionRow = Selectable<EventPermissionsTable>;
export type VersionRow = Selectable<EventVersionsTable>;
export type ChangeRow = Selectable<EventChangesTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type AuditRow = Selectable<AuditLogTable>;

/*
 * Rows as the repositories' joins return them: a table row plus the names or role joined to it.
 * They live here, beside the tables, so presenters can map them without importing repositories.
 */
export type EventWithRole = EventRow & { role: Role };
export type PermissionWithUser = PermissionRow & { username: string };
export type VersionWithAuthor = VersionRow & { username: string };
export type ChangeWithActor = ChangeRow & { username: string; target_username: string | null };
