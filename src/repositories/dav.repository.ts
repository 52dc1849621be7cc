import type { Db, PermissionWithUser } from '../db/types.js';

const CHUNK = 500;

async function chunked<T>(ids: number[], f: (part: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await f(ids.slice(i, i + CHUNK))));
  return out;
}

export const davRepository = {
  async timezone(db: Db, userId: number): Promise<string | null> {
    const r = await db.selectFrom('dav_settings').select('calendar_timezone').where('user_id', '=', userId).executeTakeFirst();
    return r?.calendar_timezone ?? null;
  },

  async setTimezone(db: Db, userId: number, tz: string, at: number): Promise<void> {
    await db
      .insertInto('dav_settings')
      .values({ user_id: userId, calendar_timezone: tz, updated_at: at })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ calendar_timezone: tz, updated_at: at }))
      .execute();
  },

  /** The newest change row that concerns the user's calendar (0 when none): the collection's ctag. */
  async lastChangeFor(db: Db, userId: number): Promise<number> {
    const held = await db
      .selectFrom('event_permissions as p')
      .innerJoin('event_changes as c', 'c.event_id', 'p.event_id')
      .where('p.user_id', '=', userId)
      .select((eb) => eb.fn.max('c.id').as('m'))
      .executeTakeFirst();
    const lost = await db
      .selectFrom('event_changes')
      .where('target_user_id', '=', userId)
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirst();
    return Math.max(Number(held?.m ?? 0), Number(lost?.m ?? 0));
  },

  /** Client-chosen resource names of these events (events without one are named after their UID). */
  async names(db: Db, eventIds: number[]): Promise<Map<number, string>> {
    const rows = await chunked(eventIds, (part) => db.selectFrom('dav_names').selectAll().where('event_id', 'in', part).execute());
    return new Map(rows.map((r) => [Number(r.event_id), r.name]));
  },

  async setName(db: Db, eventId: number, name: string): Promise<void> {
    await db.insertInto('dav_names').values({ event_id: eventId, name }).onConflict((oc) => oc.column('event_id').doUpdateSet({ name })).execute();
  },

  /** Events of the user's calendar that carry this client-chosen name. */
  async idsByName(db: Db, userId: number, name: string): Promise<number[]> {
    const rows = await db
      .selectFrom('dav_names as n')
      .innerJoin('event_permissions as p', 'p.event_id', 'n.event_id')
      .where('p.user_id', '=', userId)
      .where('n.name', '=', name)
      .select('n.event_id')
      .execute();
    return rows.map((r) => Number(r.event_id));
  },

  /** Events of the user's calendar carrying any of these client-chosen names, or named `<uid>.ics` after any of these UIDs. */
  async idsByNamesOrUids(db: Db, userId: number, names: string[], uids: string[]): Promise<number[]> {
    const named = await chunked(names.map((_, i) => i), (part) =>
      db.selectFrom('dav_names as n').innerJoin('event_permissions as p', 'p.event_id', 'n.event_id')
        .where('p.user_id', '=', userId).where('n.name', 'in', part.map((i) => names[i])).select('n.event_id as id').execute());
    const byUid = await chunked(uids.map((_, i) => i), (part) =>
      db.selectFrom('events as e').innerJoin('event_permissions as p', 'p.event_id', 'e.id').leftJoin('dav_names as n', 'n.event_id', 'e.id')
        .where('p.user_id', '=', userId).where('e.uid', 'in', part.map((i) => uids[i])).where('n.name', 'is', null).select('e.id as id').execute());
    return [...new Set([...named, ...byUid].map((r) => Number(r.id)))];
  },

  /**
   * Events of the user's calendar with this UID, whatever their resource name — and the user's own
   * deleted ones (UIDs are unique per owner, restorable events keep theirs).
   */
  async idsByAnyUid(db: Db, userId: number, uid: string): Promise<number[]> {
    const rows = await db
      .selectFrom('events as e')
      .innerJoin('event_permissions as p', 'p.event_id', 'e.id')
      .where('p.user_id', '=', userId)
      .where('e.uid', '=', uid)
      .where((eb) => eb.or([eb('e.deleted_at', 'is', null), eb('e.created_by', '=', userId)]))
      .select('e.id')
      .execute();
    return rows.map((r) => Number(r.id));
  },

  /**
   * The user's live events that could share a resource name with these: same UID, or the same
   * client-chosen name. With their names, so the caller can tell which one keeps the plain name.
   */
  async namesakes(db: Db, userId: number, uids: string[], names: string[]): Promise<{ id: number; uid: string; name: string | null }[]> {
    const base = () => db
      .selectFrom('events as e')
      .innerJoin('event_permissions as p', 'p.event_id', 'e.id')
      .leftJoin('dav_names as n', 'n.event_id', 'e.id')
      .where('p.user_id', '=', userId)
      .where('e.deleted_at', 'is', null)
      .select(['e.id as id', 'e.uid as uid', 'n.name as name']);
    const byUid = await chunked(uids.map((_, i) => i), (part) => base().where('e.uid', 'in', part.map((i) => uids[i])).execute());
    const byName = await chunked(names.map((_, i) => i), (part) => base().where('n.name', 'in', part.map((i) => names[i])).execute());
    const seen = new Map<number, { id: number; uid: string; name: string | null }>();
    for (const r of [...byUid, ...byName]) seen.set(Number(r.id), { id: Number(r.id), uid: r.uid, name: r.name ?? null });
    return [...seen.values()];
  },

  /** The permission lists of many events at once (for ETags), owner first. */
  async permissions(db: Db, eventIds: number[]): Promise<Map<number, PermissionWithUser[]>> {
    const rows = await chunked(eventIds, (part) =>
      db.selectFrom('event_permissions as p').innerJoin('users as u', 'u.id', 'p.user_id').selectAll('p').select('u.username').where('p.event_id', 'in', part).execute(),
    );
    const rank = (r: string) => (r === 'OWNER' ? 0 : r === 'EDITOR' ? 1 : 2);
    const out = new Map<number, PermissionWithUser[]>();
    for (const r of rows) {
      const id = Number(r.event_id);
      if (!out.has(id)) out.set(id, []);
      out.get(id)!.push(r);
    }
    for (const list of out.values()) list.sort((a, b) => rank(a.role) - rank(b.role) || a.username.localeCompare(b.username));
    return out;
  },
};
