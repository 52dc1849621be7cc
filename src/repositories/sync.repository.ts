import { sql } from 'kysely';
import type { Db, EventRow, EventWithRole } from '../db/types.js';
import type { Role } from '../domain/roles.js';


/** One event touched since a cursor: its newest change row, and when the user lost access (if they did). */
export interface ChangedEvent {
  event_id: number;
  last_id: number;
  removed_at: number | null;
}

export const syncRepository = {
  /** The newest change id (0 when there is none). */
  async maxChangeId(db: Db): Promise<number> {
    const r = await db.selectFrom('event_changes').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    return Number(r?.m ?? 0);
  },

  /** The smallest change id above `afterId` whose row was written after `sinceMs`, or null. */
  async firstChangeWrittenAfter(db: Db, afterId: number, sinceMs: number): Promise<number | null> {
    const r = await db
      .selectFrom('event_changes')
      .select((eb) => eb.fn.min('id').as('m'))
      .where('id', '>', afterId)
      .where('created_at', '>', sinceMs)
      .executeTakeFirst();
    return r?.m == null ? null : Number(r.m);
  },

  /** Live events the user holds a role on with an id above `afterEventId`, by id, at most `limit`. */
  async liveEvents(db: Db, userId: number, afterEventId: number, limit: number): Promise<EventWithRole[]> {
    return db
      .selectFrom('events as e')
      .innerJoin('event_permissions as p', 'p.event_id', 'e.id')
      .selectAll('e')
      .select('p.role')
      .where('p.user_id', '=', userId)
      .where('e.deleted_at', 'is', null)
      .where('e.id', '>', afterEventId)
      .orderBy('e.id')
      .limit(limit)
      .execute();
  },

  /**
   * Events with a change row after `afterId` that concern the user: any change to an event they hold
   * a role on now, or a `permission_removed` row naming them. Grouped per event, ordered by the
   * newest change id, at most `limit`.
   */
  async changedEvents(db: Db, userId: number, afterId: number, limit: number): Promise<ChangedEvent[]> {
    const held = db
      .selectFrom('event_permissions as p')
      .innerJoin('event_changes as c', 'c.event_id', 'p.event_id')
      .where('p.user_id', '=', userId)
      .where('c.id', '>', afterId)
      .select(['c.id as id', 'c.event_id as event_id', sql<number | null>`cast(null as bigint)`.as('removed_at')]);
    const lost = db
      .selectFrom('event_changes as c')
      .where('c.target_user_id', '=', userId)
      .where('c.action', '=', 'permission_removed')
      .where('c.id', '>', afterId)
      .select(['c.id as id', 'c.event_id as event_id', 'c.created_at as removed_at']);
    const rows = await db
      .selectFrom(held.unionAll(lost).as('t'))
      .select((eb) => ['t.event_id', eb.fn.max('t.id').as('last_id'), eb.fn.max('t.removed_at').as('removed_at')])
      .groupBy('t.event_id')
      .orderBy('last_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      event_id: Number(r.event_id),
      last_id: Number(r.last_id),
      removed_at: r.removed_at == null ? null : Number(r.removed_at),
    }));
  },

  /** The events with these ids (deleted ones included) and the user's role on each, or null. */
  async eventsWithRole(db: Db, userId: number, ids: number[]): Promise<(EventRow & { role: Role | null })[]> {
    if (!ids.length) return [];
    return db
      .selectFrom('events as e')
      .leftJoin('event_permissions as p', (j) => j.onRef('p.event_id', '=', 'e.id').on('p.user_id', '=', userId))
      .selectAll('e')
      .select('p.role')
      .where('e.id', 'in', ids)
      .execute();
  },
};
