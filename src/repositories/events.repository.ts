import { sql } from 'kysely';
import type { Db, EventRow, EventUpdate, EventWithRole, NewEvent } from '../db/types.js';
import { toSeries, type EventDraft } from '../domain/event-draft.js';
import { seriesEnd, type OccurrenceException } from '../domain/recurrence-expand.js';
import type { Role } from '../domain/roles.js';

export interface EventListFilter {
  userId: number;
  windowStart?: number;
  windowEnd?: number;
  q?: string;
  role?: Role;
  isRecurring?: boolean;
  excludeIds?: number[];
}

/** The draft an event row holds (the row mapper every read of an event's state goes through). */
export function draftFromRow(row: EventRow): EventDraft {
  return {
    title: row.title,
    description: row.description,
    location: row.location,
    start: row.start_time,
    end: row.end_time,
    timezone: row.timezone,
    rrule: row.rrule,
    exceptions: JSON.parse(row.exceptions) as OccurrenceException[],
  };
}

/** The columns a draft occupies in the events table. */
export function draftColumns(d: EventDraft) {
  return {
    title: d.title,
    description: d.description,
    location: d.location,
    start_time: d.start,
    end_time: d.end,
    series_end: d.rrule ? seriesEnd(toSeries(d)) : d.end,
    timezone: d.timezone,
    is_recurring: d.rrule ? 1 : 0,
    rrule: d.rrule,
    exceptions: JSON.stringify(d.exceptions),
  };
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
