import { createHash, randomBytes } from 'node:crypto';
import type { DbHandle } from '../db/connection.js';
import type { AppPasswordRow } from '../db/types.js';
import { AppError, notFound } from '../domain/errors.js';
import { iso } from '../domain/time.js';
import { appPasswordsRepository } from '../repositories/app-passwords.repository.js';
import type { ReadCache } from './read-cache.js';
import type { UnitOfWork } from './unit-of-work.js';

/** Most live app passwords one user may hold (each device or app gets one). */
export const MAX_APP_PASSWORDS = 50;

/** The generation that every cached Basic credential of a user depends on; bumped on revocation. */
export const appPasswordDep = (userId: number) => `ap:${userId}`;

/**
 * App passwords are 192 random bits (base64url, 32 characters), so they cannot be guessed and a
 * slow password hash would add nothing: they are stored as their sha-256, which is also what lets
 * a credential be found by index instead of trying every password of the user.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function present(row: AppPasswordRow) {
  return {
    id: row.id,
    name: row.name,
    created_at: iso(row.created_at),
    last_used_at: row.last_used_at === null ? null : iso(row.last_used_at),
  };
}

export function createAppPasswordsService(deps: { handle: DbHandle; write: UnitOfWork; rc: ReadCache }) {
  const { handle, write, rc } = deps;
  return {
    /**
     * Creates an app password for the actor and returns it with its secret — the only time the
     * secret is shown. Throws CONFLICT past MAX_APP_PASSWORDS live ones.
     */
    async create(actorId: number, name: string, ip: string | null) {
      return write(actorId, { lockUsers: [actorId], audit: { action: 'auth.app_password_create', ip, details: { name } } }, async (ctx) => {
        if ((await appPasswordsRepository.countLive(ctx.trx, actorId)) >= MAX_APP_PASSWORDS) {
          throw new AppError('CONFLICT', `At most ${MAX_APP_PASSWORDS} app passwords; revoke one first`);
        }
        const password = randomBytes(24).toString('base64url');
        const row = await appPasswordsRepository.insert(ctx.trx, { user_id: actorId, name, secret_hash: hashSecret(password), created_at: ctx.now });
        const { id, created_at } = present(row);
        return { id, name: row.name, password, created_at };
      });
    },

    /** The actor's live app passwords, without secrets. */
    async list(actorId: number) {
      return { items: (await appPasswordsRepository.listLive(handle.db, actorId)).map(present) };
    },

    /**
     * Revokes one of the actor's app passwords. Cached credentials depend on the user's generation,
     * which is bumped before this returns, so every instance refuses the password on its next request.
     * Throws NOT_FOUND when the actor has no such live password.
     */
    async revoke(actorId: number, id: number, ip: string | null) {
      await write(actorId, { audit: { action: 'auth.app_password_revoke', ip, details: { app_password_id: id } } }, async (ctx) => {
        if (!(await appPasswordsRepository.revoke(ctx.trx, actorId, id, ctx.now))) throw notFound('App password');
      });
      await rc.bump([appPasswordDep(actorId)]);
    },
  };
}

export type AppPasswordsService = ReturnType<typeof createAppPasswordsService>;
