import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { bigintType } from './helpers.js';

/*
 * iCalendar: every event gets a UID (RFC 5545; unique per owner), an all-day flag and the
 * iCalendar text of what Tandem does not model (kept for export); feeds are secret addresses.
 * Frozen in time: never import application types here.
 */
const BATCH = 500;

export async function up(db: Kysely<any>): Promise<void> {
  const big = bigintType(db);
  await db.schema.alterTable('events').addColumn('uid', 'varchar(255)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('events').addColumn('all_day', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('events').addColumn('ical_extra', 'text', (c) => c.notNull().defaultTo('')).execute();

  // Existing rows get generated UIDs, and their stored versions the two new snapshot fields.
  for (let after = 0; ;) {
    const rows: { id: number }[] = await db.selectFrom('events').select('id').where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (!rows.length) break;
    for (const r of rows) {
      const uid = `${randomUUID()}@tandem`;
      await db.updateTable('events').set({ uid }).where('id', '=', r.id).execute();
      const versions: { id: number; data: string }[] = await db.selectFrom('event_versions').select(['id', 'data']).where('event_id', '=', r.id).execute();
      for (const v of versions) {
        const data = JSON.parse(v.data);
        await db.updateTable('event_versions').set({ data: JSON.stringify({ ...data, uid, all_day: false }) }).where('id', '=', v.id).execute();
      }
    }
    after = Number(rows[rows.length - 1].id);
  }
  await db.schema.createIndex('events_owner_uid_uq').on('events').columns(['created_by', 'uid']).unique().execute();

  await db.schema
    .createTable('feeds')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feeds_user_idx').on('feeds').columns(['user_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('feeds').execute();
  await db.schema.dropIndex('events_owner_uid_uq').execute();
  for (const c of ['ical_extra', 'all_day', 'uid']) await db.schema.alterTable('events').dropColumn(c).execute();
}
