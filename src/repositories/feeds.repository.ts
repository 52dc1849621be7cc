import type { Db, FeedRow } from '../db/types.js';

export const feedsRepository = {
  async insert(db: Db, row: FeedRow): Promise<void> {
    await db.insertInto('feeds').values(row).execute();
  },
  /** The user's feeds, oldest first. */
  async listForUser(db: Db, userId: number): Promise<FeedRow[]> {
    return db.selectFrom('feeds').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
  },
  async countForUser(db: Db, userId: number): Promise<number> {
    const r = await db.selectFrom('feeds').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirst();
    return Number(r?.n ?? 0);
  },
  async bySecretHash(db: Db, hash: string): Promise<FeedRow | undefined> {
    return db.selectFrom('feeds').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
  },
  /** Deletes the user's feed; false when there was none. */
  async remove(db: Db, userId: number, id: string): Promise<boolean> {
    const r = await db.deleteFrom('feeds').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
