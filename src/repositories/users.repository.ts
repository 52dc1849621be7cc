import type { Db, NewUser, UserRow } from '../db/types.js';

export const usersRepository = {
  async insert(db: Db, user: NewUser): Promise<UserRow> {
    return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
  },
  async byId(db: Db, id: number): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async byIds(db: Db, ids: number[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  },
  /** By username (case-insensitive) or email (case-insensitive). */
  async byLogin(db: Db, identifier: string): Promise<UserRow | undefined> {
    const lower = identifier.toLowerCase();
    return db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('username_lower', '=', lower), eb('email', '=', lower)]))
      .executeTakeFirst();
  },
  async existing(db: Db, usernameLower: string, email: string): Promise<{ username: boolean; email: boolean }> {
    const rows = await db
      .selectFrom('users')
      .select(['username_lower', 'email'])
      .where((eb) => eb.or([eb('username_lower', '=', usernameLower), eb('email', '=', email)]))
      .execute();
    return { username: rows.some((r) => r.username_lower === usernameLower), email: rows.some((r) => r.email === email) };
  },
};
