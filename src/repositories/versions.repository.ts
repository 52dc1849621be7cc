import type { Db, VersionRow, VersionWithAuthor } from '../db/types.js';

/** Versions with their author's username: what every read of history returns. */
const withAuthor = (db: Db) =>
  db.selectFrom('event_versions as v').innerJoin('users as u', 'u.id', 'v.created_by').selectAll('v').select('u.username');

export const versionsRepository = {
  async insert(db: Db, row: Omit<VersionRow, 'id'>): Promise<void> {
    await db.insertInto('event_versions').values(row).execute();
  },
  async get(db: Db, eventId: number, version: number): Promise<VersionWithAuthor | undefined> {
    return withAuthor(db).where('v.event_id', '=', eventId).where('v.version', '=', version).executeTakeFirst();
  },
  async list(db: Db, eventId: number, skip: number, limit: number): Promise<{ total: number; rows: VersionWithAuthor[] }> {
    const t = await db.selectFrom('event_versions').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', '=', eventId).executeTakeFirst();
    const rows = await withAuthor(db)
      .where('v.event_id', '=', eventId)
      .orderBy('v.version', 'desc')
      .offset(skip)
      .limit(limit)
      .execute();
    return { total: Number(t?.n ?? 0), rows };
  },
  /** Versions `from`…`to` (inclusive), oldest first: their snapshots and authors. */
  async between(db: Db, eventId: number, from: number, to: number): Promise<Pick<VersionRow, 'version' | 'data' | 'created_by'>[]> {
    return db
      .selectFrom('event_versions')
      .select(['version', 'data', 'created_by'])
      .where('event_id', '=', eventId)
      .where('version', '>=', from)
      .where('version', '<=', to)
      .orderBy('version')
      .execute();
  },
  /** The newest version written at or before `at` (epoch ms). */
  async asOf(db: Db, eventId: number, at: number): Promise<VersionRow | undefined> {
    return db
      .selectFrom('event_versions')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('created_at', '<=', at)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
};
