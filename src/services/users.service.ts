import type { DbHandle } from '../db/connection.js';
import { notFound } from '../domain/errors.js';
import { usersRepository } from '../repositories/users.repository.js';
import { presentUser, type PublicUser } from '../presenters/user.presenter.js';
import type { ReadCache } from './read-cache.js';

export function createUsersService(handle: DbHandle, rc: ReadCache) {
  const { db } = handle;
  return {
    /** The caller's own profile. Throws NOT_FOUND if the user no longer exists. */
    async me(userId: number): Promise<PublicUser> {
      const u = await rc.get(`user:${userId}`, [], 'short', async () => {
        const row = await usersRepository.byId(db, userId);
        return row ? presentUser(row) : null;
      });
      if (!u) throw notFound('User');
      return u;
    },
    /** Users whose username or email is exactly `q` (case-insensitive); no emails are returned. */
    async search(q: string): Promise<{ items: { id: number; username: string }[] }> {
      const u = await usersRepository.byLogin(db, q.trim());
      return { items: u ? [{ id: u.id, username: u.username }] : [] };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
