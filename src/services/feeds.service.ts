import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DbHandle } from '../db/connection.js';
import { AppError, notFound } from '../domain/errors.js';
import { iso } from '../domain/time.js';
import { feedsRepository } from '../repositories/feeds.repository.js';
import type { IcalExportService } from './ical-export.service.js';

/** Feeds one user may hold at once. */
export const MAX_FEEDS_PER_USER = 50;
/** 32 random bytes: 256 bits, base64url (43 characters). */
const SECRET_BYTES = 32;
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Subscription feeds: secret addresses serving the creator's calendar as it is now, without other
 * credentials. Only the secret's sha-256 is stored; the address is shown once, at creation.
 */
export function createFeedsService(deps: { handle: DbHandle; exporter: IcalExportService }) {
  const { db } = deps.handle;
  return {
    /** Creates a feed; `base` is the public origin the address starts with. 409 past MAX_FEEDS_PER_USER. */
    async create(userId: number, name: string, base: string) {
      if ((await feedsRepository.countForUser(db, userId)) >= MAX_FEEDS_PER_USER) {
        throw new AppError('CONFLICT', `You have ${MAX_FEEDS_PER_USER} feeds, the most allowed; delete one first`);
      }
      const secret = randomBytes(SECRET_BYTES).toString('base64url');
      const row = { id: randomUUID(), user_id: userId, name, secret_hash: hashOf(secret), created_at: Date.now() };
      await feedsRepository.insert(db, row);
      return { id: row.id, name, url: `${base.replace(/\/+$/, '')}/ical/${secret}.ics`, created_at: iso(row.created_at) };
    },

    /** The user's feeds, without their secrets. */
    async list(userId: number) {
      const rows = await feedsRepository.listForUser(db, userId);
      return { items: rows.map((r) => ({ id: r.id, name: r.name, created_at: iso(r.created_at) })) };
    },

    /** Revokes a feed at once. 404 when it is not one of the user's. */
    async remove(userId: number, id: string) {
      if (!(await feedsRepository.remove(db, userId, id))) throw notFound('Feed');
    },

    /** The calendar behind a secret address (404 for an unknown or revoked one). */
    async read(secret: string) {
      if (!SECRET_FORMAT.test(secret)) throw notFound('Feed');
      const feed = await feedsRepository.bySecretHash(db, hashOf(secret));
      if (!feed) throw notFound('Feed');
      return deps.exporter.calendarOf(feed.user_id, {}, feed.name);
    },
  };
}

export type FeedsService = ReturnType<typeof createFeedsService>;
