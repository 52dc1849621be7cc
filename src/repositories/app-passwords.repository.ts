import type { AppPasswordRow, Db } from '../db/types.js';

export const appPasswordsRepository = {
  async insert(db: Db, row: { user_id: number; name: string; secret_hash: string; created_at: number }): Promise<AppPasswordRow> {
    return db.insertInto('app_passwords').values({ ...row, last_used_at: null, revoked_at: null }).returningAll().executeTakeFirstOrThrow();
  },
  /** The user's live (unrevoked) app passwords, oldest first. */
  async listLive(db: Db, userId: number): Promise<AppPasswordRow[]> {
    return db.selectFrom('app_passwords').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('id').execute();
  },
  async countLive(db: Db, userId: number): Promise<number> {
    const r = await db.selectFrom('app_passwords').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r?.n ?? 0);
  },
  /** The live app password of this user with this secret hash, if any. */
  async liveByHash(db: Db, userId: number, secretHash: string): Promise<AppPasswordRow | undefined> {
    return db
      .selectFrom('app_passwords')
      .selectAll()
      .where('secret_hash', '=', secretHash)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },
  /** Revokes one of the user's app passwords; false when there is no such live one. */
  async revoke(db: Db, userId: number, id: number, at: number): Promise<boolean> {
    const r = await db.updateTable('app_passwords').set({ revoked_at: at }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  async touch(db: Db, id: number, at: number): Promise<void> {
    await db.updateTable('app_passwords').set({ last_used_at: at }).where('id', '=', id).execute();
  },
};
