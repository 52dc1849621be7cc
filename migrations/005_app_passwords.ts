import type { Kysely } from 'kysely';
import { bigintType, idType, isPostgres } from './helpers.js';

/*
 * CalDAV: app passwords (HTTP Basic credentials that are not the account password), the per-user
 * calendar settings a client can PROPPATCH, and the resource name a client chose when it PUT an event.
 * Frozen in time: never import application types here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = idType(db);
  const big = bigintType(db);
  const pk = (c: any) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('app_passwords')
    .addColumn('id', id, pk)
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    // sha-256 (hex) of a 192-bit random secret: unique, looked up by index.
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_used_at', big)
    .addColumn('revoked_at', big)
    .execute();
  await db.schema.createIndex('app_passwords_user_idx').on('app_passwords').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('dav_settings')
    .addColumn('user_id', big, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('calendar_timezone', 'varchar(64)', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dav_names')
    .addColumn('event_id', big, (c) => c.primaryKey().references('events.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dav_names_name_idx').on('dav_names').column('name').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['dav_names', 'dav_settings', 'app_passwords']) await db.schema.dropTable(t).execute();
}
