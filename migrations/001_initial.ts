import type { Kysely } from 'kysely';
import { bigintType, idType, isPostgres } from './helpers.js';

/* Frozen in time: never import application types here. */

export async function up(db: Kysely<any>): Promise<void> {
  const id = idType(db);
  const big = bigintType(db);
  const pk = (c: any) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('users')
    .addColumn('id', id, pk)
    .addColumn('username', 'varchar(50)', (c) => c.notNull())
    .addColumn('username_lower', 'varchar(50)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('refresh_jti', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('revoked_at', big)
    .addColumn('revoked_reason', 'varchar(32)')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('events')
    .addColumn('id', id, pk)
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('location', 'varchar(500)', (c) => c.notNull())
    .addColumn('start_time', big, (c) => c.notNull())
    .addColumn('end_time', big, (c) => c.notNull())
    .addColumn('series_end', big)
    .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
    .addColumn('is_recurring', 'integer', (c) => c.notNull())
    .addColumn('rrule', 'text')
    .addColumn('exceptions', 'text', (c) => c.notNull())
    .addColumn('created_by', big, (c) => c.notNull().references('users.id'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('deleted_at', big)
    .execute();
  await db.schema.createIndex('events_start_idx').on('events').columns(['start_time', 'series_end']).execute();

  await db.schema
    .createTable('event_permissions')
    .addColumn('event_id', big, (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('event_permissions_pk', ['event_id', 'user_id'])
    .execute();
  await db.schema.createIndex('event_permissions_user_idx').on('event_permissions').columns(['user_id', 'event_id']).execute();

  await db.schema
    .createTable('event_versions')
    .addColumn('id', id, pk)
    .addColumn('event_id', big, (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('created_by', big, (c) => c.notNull().references('users.id'))
    .addUniqueConstraint('event_versions_event_version_uq', ['event_id', 'version'])
    .execute();

  await db.schema
    .createTable('event_changes')
    .addColumn('id', id, pk)
    .addColumn('event_id', big, (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_id', big, (c) => c.notNull().references('users.id'))
    .addColumn('target_user_id', big)
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('changed_fields', 'text', (c) => c.notNull())
    .addColumn('from_version', 'integer')
    .addColumn('to_version', 'integer')
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_changes_event_idx').on('event_changes').columns(['event_id', 'id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', id, pk)
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('event_id', big)
    .addColumn('actor_id', big)
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('is_read', 'integer', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', id, pk)
    .addColumn('user_id', big)
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('event_id', big)
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_user_idx').on('audit_log').columns(['user_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['audit_log', 'notifications', 'event_changes', 'event_versions', 'event_permissions', 'events', 'sessions', 'users']) {
    await db.schema.dropTable(t).execute();
  }
}
