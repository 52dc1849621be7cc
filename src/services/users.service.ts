import type { DbHandle } from '../db/connection.js';
import { notFound } from '../domain/errors.js';
import { usersRepository } from '../repositories/users.repository.js';
import { presentUser, type PublicUser } from './auth.service.js';

export function createUsersService(handle: DbHandle) {
  const { db } = handle;
  return {
    /** The caller's own profile. Throws NOT_FOUND if the user no longer exists. */
    async me(userId: number): Promise<PublicUser> {
      const u = await usersRepository.byId(db, userId);
      if (!u) throw notFound('User');
      return presentUser(u);
    },
    /** Users whose username or email is exactly `q` (case-insensitive); no emails are returned. */
    async search(q: string): Promise<{ items: { id: number; username: string }[] }> {
      const u = await usersRepository.byLogin(db, q.trim());
      return { items: u ? [{ id: u.id, username: u.username }] : [] };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
