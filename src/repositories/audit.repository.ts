import type { AuditRow, Db } from '../db/types.js';

export interface AuditEntry {
  user_id: number | null;
  action: string;
  ip: string | null;
  outcome: 'success' | 'failure';
  event_id?: number | null;
  details?: Record<string, unknown>;
}

export const auditRepository = {
  async insert(db: Db, entry: AuditEntry, at: number): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        user_id: entry.user_id,
        action: entry.action,
        created_at: at,
        ip: entry.ip,
        outcome: entry.outcome,
        event_id: entry.event_id ?? null,
        details: JSON.stringify(entry.details ?? {}),
      })
      .execute();
  },
  async listForUser(db: Db, userId: number, skip: number, limit: number): Promise<{ total: number; rows: AuditRow[] }> {
    const totalRow = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirst();
    const rows = await db.selectFrom('audit_log').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').offset(skip).limit(limit).execute();
    return { total: Number(totalRow?.n ?? 0), rows };
  },
};
