import type { ChangeRow, ChangeWithActor, Db } from '../db/types.js';


export const changesRepository = {
  async insert(db: Db, row: Omit<ChangeRow, 'id'>): Promise<void> {
    await db.insertInto('event_changes').values(row).execute();
  },
  async list(db: Db, eventId: number, skip: number, limit: number): Promise<{ total: number; rows: ChangeWithActor[] }> {
    const t = await db.selectFrom('event_changes').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', '=', eventId).executeTakeFirst();
    const rows = await db
      .selectFrom('event_changes as c')
      .innerJoin('users as u', 'u.id', 'c.actor_id')
      .leftJoin('users as tu', 'tu.id', 'c.target_user_id')
      .selectAll('c')
      .select(['u.username', 'tu.username as target_username'])
      .where('c.event_id', '=', eventId)
      .orderBy('c.id', 'desc')
      .offset(skip)
      .limit(limit)
      .execute();
    return { total: Number(t?.n ?? 0), rows };
  },
};
