import { LRUCache } from 'lru-cache';
import type { FailureCounter } from '../adapters/failure-counter.js';
import type { Generations } from '../adapters/generations.js';
import type { DbHandle } from '../db/connection.js';
import { AppError, unauthorized } from '../domain/errors.js';
import { iso } from '../domain/time.js';
import { appPasswordsRepository } from '../repositories/app-passwords.repository.js';
import { auditRepository } from '../repositories/audit.repository.js';
import { usersRepository } from '../repositories/users.repository.js';
import { appPasswordDep, hashSecret } from './app-passwords.service.js';

export interface BasicPrincipal {
  userId: number;
  username: string;
  email: string;
  appPasswordId: number;
}

interface Cached extends BasicPrincipal {
  gen: string;
}

/** `Basic <base64(user:pass)>` → its parts, or null when the header is absent or not Basic. */
export function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (typeof header !== 'string') return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return null;
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/**
 * HTTP Basic authentication for the CalDAV routes: the username and an app password (never the
 * account password). A verified credential is remembered in this process, keyed by the header it
 * came in; every use re-reads the user's app-password generation (one Redis round trip in scaled
 * mode, no hashing, no SQL), so a revocation on any instance is seen at once. When the generation
 * cannot be read the credential is verified again. Failures count per client IP and, past the auth
 * limit, are refused with 429 before any verification.
 */
export function createBasicAuth(deps: { handle: DbHandle; gens: Generations; failures: FailureCounter; maxFailuresPerMinute: number }) {
  const { handle, gens, failures, maxFailuresPerMinute } = deps;
  const { db } = handle;
  const cache = new LRUCache<string, Cached>({ max: 10_000, ttl: 10 * 60_000 });
  const stats = { verifications: 0 };

  async function limited(ip: string): Promise<void> {
    const { current, ttl } = await failures.peek(ip);
    if (current >= maxFailuresPerMinute) {
      throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many failed sign-ins; retry later', {
        reset_at: iso(Date.now() + ttl), limit: maxFailuresPerMinute, retry_after: Math.ceil(ttl / 1000),
      });
    }
  }

  async function fail(userId: number | null, ip: string, reason: string): Promise<never> {
    await failures.hit(ip);
    await auditRepository.insert(db, { user_id: userId, action: 'dav.auth', ip, outcome: 'denied', details: { reason } }, Date.now());
    throw unauthorized('Invalid username or app password');
  }

  return {
    /** How many credentials were verified against the database (cache misses), for tests and metrics. */
    stats: () => ({ ...stats, cached: cache.size }),

    /**
     * The principal of an Authorization header. Throws UNAUTHORIZED (missing, malformed, unknown
     * user, wrong or revoked password, an account password) or RATE_LIMIT_EXCEEDED.
     */
    async authenticate(header: string | undefined, ip: string): Promise<BasicPrincipal> {
      const creds = parseBasic(header);
      if (!creds) throw unauthorized('HTTP Basic credentials (username and app password) are required');
      const key = header!.trim();
      const hit = cache.get(key);
      if (hit) {
        const g = await gens.get([appPasswordDep(hit.userId)]);
        // The whole answer counts: in Redis it also carries the epoch (renewed when Redis was lost).
        if (g && g.join(':') === hit.gen) return hit;
        cache.delete(key);
      }
      await limited(ip);
      // The generation is read before the lookup: a revocation racing this verification bumps it after.
      const user = creds.username.length <= 254 ? await usersRepository.byLogin(db, creds.username) : undefined;
      if (!user) return fail(null, ip, 'unknown_user');
      const g = await gens.get([appPasswordDep(user.id)]);
      stats.verifications++;
      const row = creds.password.length <= 256 ? await appPasswordsRepository.liveByHash(db, user.id, hashSecret(creds.password)) : undefined;
      if (!row) return fail(user.id, ip, 'bad_app_password');
      const now = Date.now();
      await appPasswordsRepository.touch(db, row.id, now);
      await auditRepository.insert(db, { user_id: user.id, action: 'dav.auth', ip, outcome: 'ok', details: { app_password_id: row.id } }, now);
      const principal: BasicPrincipal = { userId: user.id, username: user.username, email: user.email, appPasswordId: row.id };
      if (g) cache.set(key, { ...principal, gen: g.join(':') });
      return principal;
    },
  };
}

export type BasicAuth = ReturnType<typeof createBasicAuth>;
