import type { Kysely, Transaction } from 'kysely';
import type { Database, NewSession, SessionRow } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

export const sessionsRepository = {
  async insert(db: Db, row: NewSession): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  },
  async byId(db: Db, id: string): Promise<SessionRow | undefined> {
    return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /**
   * Moves the session to a new refresh token id, only if `expectedJti` is still current (atomic
   * rotation); remembers the old id and the time for the retry grace.
   */
  async rotate(db: Db, id: string, expectedJti: string, nextJti: string, expiresAt: number, at: number): Promise<boolean> {
    const res = await db
      .updateTable('sessions')
      .set({ refresh_jti: nextJti, expires_at: expiresAt, previous_jti: expectedJti, rotated_at: at })
      .where('id', '=', id)
      .where('refresh_jti', '=', expectedJti)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /** Of `ids`, those that are revoked, expired or unknown. */
  async inactiveAmong(db: Db, ids: string[], now: number): Promise<string[]> {
    if (!ids.length) return [];
    const live = await db.selectFrom('sessions').select('id').where('id', 'in', ids).where('revoked_at', 'is', null).where('expires_at', '>', now).execute();
    const ok = new Set(live.map((r) => r.id));
    return ids.filter((id) => !ok.has(id));
  },
  async revoke(db: Db, id: string, reason: string, at: number): Promise<void> {
    await db.updateTable('sessions').set({ revoked_at: at, revoked_reason: reason }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  },
};
