import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { NotificationType } from '../domain/notification.js';
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
  /** The refresh token id this session rotated away from last, and when: a retry within the grace gets the current pair. */
  previous_jti: ColumnType<string | null, string | null | undefined, string | null>;
  rotated_at: ColumnType<number | null, number | null | undefined, number | null>;
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
  /** Title, description and location folded for search (lower case, no accents); see domain/search-text.ts. */
  search_text: ColumnType<string, string | undefined, string>;
  /** RFC 5545 UID; unique per creator. */
  uid: string;
  /** 1: start/end are local midnights in `timezone` (an all-day event, free time). */
  all_day: number;
  /** iCalendar text of the properties and components Tandem does not model ('' when none). */
  ical_extra: string;
}

export interface FeedsTable {
  id: string;
  user_id: number;
  name: string;
  /** sha-256 (hex) of the secret in the feed's address; the secret itself is never stored. */
  secret_hash: string;
  created_at: number;
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
  type: NotificationType;
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

export interface AppPasswordsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface DavSettingsTable {
  user_id: number;
  calendar_timezone: string;
  updated_at: number;
}

export interface DavNamesTable {
  event_id: number;
  name: string;
}

export interface DavFilesTable {
  id: Generated<number>;
  user_id: number;
  /** Relative to the user's calendar home, segments joined with '/'. */
  path: string;
  /** The enclosing collection's path ('' at the top of the home). */
  parent: string;
  is_collection: number;
  content: Buffer | null;
  content_type: string | null;
  size: number;
  etag: string;
  created_at: number;
  updated_at: number;
}

export interface DavFilePropsTable {
  file_id: number;
  ns: string;
  name: string;
  /** JSON of the property element's content (see src/http/dav/dead-props.ts). */
  value: string;
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
  feeds: FeedsTable;
  app_passwords: AppPasswordsTable;
  dav_settings: DavSettingsTable;
  dav_names: DavNamesTable;
  dav_files: DavFilesTable;
  dav_file_props: DavFilePropsTable;
}

/** What repositories take: the database, or the transaction a unit of work opened. */
export type Db = Kysely<Database> | Transaction<Database>;

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
export type EventUpdate = Updateable<EventsTable>;
export type PermissionRow = Selectable<EventPermissionsTable>;
export type VersionRow = Selectable<EventVersionsTable>;
export type ChangeRow = Selectable<EventChangesTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type FeedRow = Selectable<FeedsTable>;
export type AppPasswordRow = Selectable<AppPasswordsTable>;

/*
 * Rows as the repositories' joins return them: a table row plus the names or role joined to it.
 * They live here, beside the tables, so presenters can map them without importing repositories.
 */
export type EventWithRole = EventRow & { role: Role };
export type PermissionWithUser = PermissionRow & { username: string };
export type VersionWithAuthor = VersionRow & { username: string };
export type ChangeWithActor = ChangeRow & { username: string; target_username: string | null };
