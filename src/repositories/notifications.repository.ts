import type { Db, NotificationRow } from '../db/types.js';

export const notificationsRepository = {
  async insertMany(db: Db, rows: Omit<NotificationRow, 'id'>[]): Promise<NotificationRow[]> {
    if (!rows.length) return [];
    return db.insertInto('notifications').values(rows).returningAll().execute();
  },
  async list(db: Db, userId: number, opts: { unread?: boolean; skip: number; limit: number }) {
    let base = db.selectFrom('notifications').where('user_id', '=', userId);
    if (opts.unread) base = base.where('is_read', '=', 0);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base.selectAll().orderBy('id', 'desc').offset(opts.skip).limit(opts.limit).execute();
    return { total: Number(total?.n ?? 0), rows };
  },
  async unreadCount(db: Db, userId: number): Promise<number> {
    const r = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('is_read', '=', 0)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  },
  async byId(db: Db, userId: number, id: number): Promise<NotificationRow | undefined> {
    return db.selectFrom('notifications').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  },
  async markRead(db: Db, userId: number, id: number): Promise<void> {
    await db.updateTable('notifications').set({ is_read: 1 }).where('id', '=', id).where('user_id', '=', userId).execute();
  },
  async markAllRead(db: Db, userId: number): Promise<void> {
    await db.updateTable('notifications').set({ is_read: 1 }).where('user_id', '=', userId).where('is_read', '=', 0).execute();
  },
  /** Notifications after `afterId`, oldest first (replay for a reconnecting socket). */
  async since(db: Db, userId: number, afterId: number, limit: number): Promise<NotificationRow[]> {
    return db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  },
};
