import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, EventRow, EventUpdate, EventWithRole, NewEvent } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface EventListFilter {
  userId: number;
  windowStart?: number;
  windowEnd?: number;
  q?: string;
  role?: string;
  isRecurring?: boolean;
  excludeIds?: number[];
}


function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export const eventsRepository = {
  async insert(db: Db, row: NewEvent): Promise<EventRow> {
    return db.insertInto('events').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async byId(db: Db, id: number): Promise<EventRow | undefined> {
    return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The creator's event with this UID (deleted ones too), if any. */
  async byCreatorUid(db: Db, userId: number, uid: string): Promise<EventRow | undefined> {
    return db.selectFrom('events').selectAll().where('created_by', '=', userId).where('uid', '=', uid).executeTakeFirst();
  },

  /** The creator's events among these UIDs (deleted ones too). */
  async byCreatorUids(db: Db, userId: number, uids: string[]): Promise<EventRow[]> {
    if (!uids.length) return [];
    const out: EventRow[] = [];
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < uids.length; i += 500) {
      out.push(...(await db.selectFrom('events').selectAll().where('created_by', '=', userId).where('uid', 'in', uids.slice(i, i + 500)).execute()));
    }
    return out;
  },

  /** Writes the new state only if the version is still `expectedVersion` (optimistic check). */
  async update(db: Db, id: number, expectedVersion: number, patch: EventUpdate): Promise<EventRow | undefined> {
    return db.updateTable('events').set(patch).where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
  },

  /**
   * Live events the user holds a role on, matching the filters. A time window matches events whose
   * whole span (first start to last occurrence end) overlaps it; callers refine recurring ones.
   */
  async listForUser(db: Db, f: EventListFilter): Promise<EventWithRole[]> {
    let q = db
      .selectFrom('event_permissions as p')
      .innerJoin('events as e', 'e.id', 'p.event_id')
      .selectAll('e')
      .select('p.role as role')
      .where('p.user_id', '=', f.userId)
      .where('e.deleted_at', 'is', null);
    if (f.windowEnd !== undefined) q = q.where('e.start_time', '<', f.windowEnd);
    if (f.windowStart !== undefined) {
      const ws = f.windowStart;
      q = q.where((eb) => eb.or([eb('e.series_end', 'is', null), eb('e.series_end', '>', ws)]));
    }
    if (f.role) q = q.where('p.role', '=', f.role);
    if (f.isRecurring !== undefined) q = q.where('e.is_recurring', '=', f.isRecurring ? 1 : 0);
    if (f.excludeIds?.length) q = q.where('e.id', 'not in', f.excludeIds);
    if (f.q) {
      const pattern = `%${escapeLike(f.q.toLowerCase())}%`;
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(e.title)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(e.description)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(e.location)`, 'like', sql`${pattern} escape '\\'`),
        ]),
      );
    }
    return q.orderBy('e.start_time').orderBy('e.id').execute() as Promise<EventWithRole[]>;
  },
};
