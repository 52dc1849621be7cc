import type { Db, SessionRow } from '../db/types.js';

export const sessionsRepository = {
  async insert(db: Db, row: SessionRow): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  },
  async byId(db: Db, id: string): Promise<SessionRow | undefined> {
    return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Moves the session to a new refresh token id, only if `expectedJti` is still current (atomic rotation). */
  async rotate(db: Db, id: string, expectedJti: string, nextJti: string, expiresAt: number): Promise<boolean> {
    const res = await db
      .updateTable('sessions')
      .set({ refresh_jti: nextJti, expires_at: expiresAt })
      .where('id', '=', id)
      .where('refresh_jti', '=', expectedJti)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  async revoke(db: Db, id: string, reason: string, at: number): Promise<void> {
    await db.updateTable('sessions').set({ revoked_at: at, revoked_reason: reason }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  },
};
