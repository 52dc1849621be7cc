import type { Db, PermissionRow, PermissionWithUser } from '../db/types.js';
import { roleRank, type Role } from '../domain/roles.js';


export const permissionsRepository = {
  async roleOf(db: Db, eventId: number, userId: number): Promise<Role | null> {
    const r = await db.selectFrom('event_permissions').select('role').where('event_id', '=', eventId).where('user_id', '=', userId).executeTakeFirst();
    return r?.role ?? null;
  },
  async insert(db: Db, row: PermissionRow): Promise<void> {
    await db.insertInto('event_permissions').values(row).execute();
  },
  async insertMany(db: Db, rows: PermissionRow[]): Promise<void> {
    if (rows.length) await db.insertInto('event_permissions').values(rows).execute();
  },
  async setRole(db: Db, eventId: number, userId: number, role: Role, at: number): Promise<void> {
    await db.updateTable('event_permissions').set({ role, updated_at: at }).where('event_id', '=', eventId).where('user_id', '=', userId).execute();
  },
  async remove(db: Db, eventId: number, userId: number): Promise<void> {
    await db.deleteFrom('event_permissions').where('event_id', '=', eventId).where('user_id', '=', userId).execute();
  },
  /** Everyone with a role on the event, owner first, then by username. */
  async list(db: Db, eventId: number): Promise<PermissionWithUser[]> {
    const rows = await db
      .selectFrom('event_permissions as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .selectAll('p')
      .select('u.username')
      .where('p.event_id', '=', eventId)
      .execute();
    return rows.sort((a, b) => roleRank(b.role) - roleRank(a.role) || a.username.localeCompare(b.username));
  },
  async holders(db: Db, eventId: number): Promise<number[]> {
    const rows = await db.selectFrom('event_permissions').select('user_id').where('event_id', '=', eventId).execute();
    return rows.map((r) => r.user_id);
  },
};
