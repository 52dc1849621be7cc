import { hash, verify } from '@node-rs/argon2';
import type { Redis } from 'ioredis';
import type { TokenService } from '../adapters/tokens.js';
import type { DbHandle } from '../db/connection.js';
import type { UserRow } from '../db/types.js';
import { AppError, unauthorized, type AuditOutcome } from '../domain/errors.js';
import { iso } from '../domain/time.js';
import { presentUser } from '../presenters/user.presenter.js';
import { auditRepository } from '../repositories/audit.repository.js';
import { sessionsRepository } from '../repositories/sessions.repository.js';
import { usersRepository } from '../repositories/users.repository.js';
import { createLoginThrottle } from './login-throttle.js';
import type { UnitOfWork } from './unit-of-work.js';

/** A refresh token presented again this soon after its rotation (a retry, a second tab) gets the current pair. */
export const REFRESH_RETRY_GRACE_MS = 10_000;

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface Principal {
  userId: number;
  sessionId: string;
}

export interface SessionChecker {
  /** Whether the session is still live; may be cached, but must see a revocation at once. */
  isActive(sessionId: string): Promise<boolean>;
  forget(sessionId: string): Promise<void>;
  /** Of the given ids, the sessions no longer live (always read from the database). */
  inactive(ids: string[]): Promise<string[]>;
}

// OWASP's argon2id baseline (19 MiB, t=2, p=1).
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export interface AuthDeps {
  handle: DbHandle;
  write: UnitOfWork;
  tokens: TokenService;
  refreshTtlSeconds: number;
  /** A session ends this long after login, whatever its refreshes. */
  sessionMaxAgeSeconds: number;
  sessions: SessionChecker;
  /** The clock for session ages, the refresh grace and login slowdowns (tests move it). */
  now?: () => number;
  /** Scaled mode: login slowdowns are counted in Redis, across instances. */
  redis?: Redis | null;
}

export function createAuthService(deps: AuthDeps) {
  const { handle, write, tokens, refreshTtlSeconds, sessions } = deps;
  const now = deps.now ?? Date.now;
  const maxAgeMs = deps.sessionMaxAgeSeconds * 1000;
  const throttle = createLoginThrottle(now, deps.redis ?? null);
  const { db } = handle;
  // Verified against when the user does not exist, so both failures cost the same time.
  const dummyHash = hash('tandem-timing-equaliser', ARGON);

  async function issue(userId: number, sessionId: string, jti: string): Promise<TokenPair> {
    return {
      access_token: tokens.signAccess(userId, sessionId),
      refresh_token: tokens.signRefresh(userId, sessionId, jti),
      token_type: 'bearer',
      expires_in: tokens.accessTtlSeconds,
    };
  }

  async function audit(userId: number | null, action: string, ip: string | null, outcome: AuditOutcome, details = {}) {
    await auditRepository.insert(db, { user_id: userId, action, ip, outcome, details }, now());
  }

  return {
    /** Creates a user and a login session. Throws CONFLICT when the username or email is taken. */
    async register(input: { username: string; email: string; password: string }, ip: string | null) {
      const usernameLower = input.username.toLowerCase();
      const email = input.email.toLowerCase();
      const taken = await usersRepository.existing(db, usernameLower, email);
      if (taken.username || taken.email) {
        await audit(null, 'auth.register', ip, 'invalid', { reason: taken.username ? 'username_taken' : 'email_taken' });
        throw new AppError('CONFLICT', taken.username ? 'Username is already taken' : 'Email is already registered', {
          field: taken.username ? 'username' : 'email',
        });
      }
      const passwordHash = await hash(input.password, ARGON);
      const at = now();
      const sessionId = tokens.newId();
      const jti = tokens.newId();
      let user: UserRow;
      try {
        // No actor yet: the user is created by this very write.
        user = await write.anonymous(async ({ trx }) => {
          const u = await usersRepository.insert(trx, {
            username: input.username,
            username_lower: usernameLower,
            email,
            password_hash: passwordHash,
            created_at: at,
          });
          await sessionsRepository.insert(trx, {
            id: sessionId, user_id: u.id, refresh_jti: jti, created_at: at,
            expires_at: at + refreshTtlSeconds * 1000, revoked_at: null, revoked_reason: null,
          });
          await auditRepository.insert(trx, { user_id: u.id, action: 'auth.register', ip, outcome: 'ok' }, at);
          return u;
        });
      } catch (err) {
        // Lost a race with a concurrent registration of the same name: the unique index decided.
        if (/unique|duplicate/i.test(String((err as Error).message))) {
          await audit(null, 'auth.register', ip, 'invalid', { reason: 'duplicate' });
          throw new AppError('CONFLICT', 'Username or email is already registered');
        }
        throw err;
      }
      return { user: presentUser(user), tokens: await issue(user.id, sessionId, jti) };
    },

    /**
     * Checks a username-or-email and password; the same 401 for an unknown user and a wrong
     * password. Repeated failures for one account slow its logins down (429 with the wait).
     */
    async login(identifier: string, password: string, ip: string | null) {
      const user = await usersRepository.byLogin(db, identifier);
      const account = user ? `u:${user.id}` : `n:${identifier}`;
      const wait = await throttle.waitFor(account);
      if (wait > 0) {
        await audit(user?.id ?? null, 'auth.login', ip, 'denied', { identifier: identifier.slice(0, 254), reason: 'slowed_down', retry_after_ms: wait });
        const seconds = Math.ceil(wait / 1000);
        throw new AppError('RATE_LIMIT_EXCEEDED', `Too many failed logins for this account; retry in ${seconds} s`, {
          reset_at: iso(now() + wait), retry_after: seconds,
        });
      }
      const ok = user ? await verify(user.password_hash, password).catch(() => false) : (await verify(await dummyHash, password).catch(() => false), false);
      if (!user || !ok) {
        const delay = await throttle.fail(account);
        await audit(user?.id ?? null, 'auth.login', ip, 'denied', { identifier: identifier.slice(0, 254), next_attempt_delay_ms: delay });
        throw unauthorized('Invalid username or password');
      }
      await throttle.succeed(account);
      const at = now();
      const sessionId = tokens.newId();
      const jti = tokens.newId();
      await write(user.id, {}, async ({ trx }) => {
        await sessionsRepository.insert(trx, {
          id: sessionId, user_id: user.id, refresh_jti: jti, created_at: at,
          expires_at: at + refreshTtlSeconds * 1000, revoked_at: null, revoked_reason: null,
        });
        await auditRepository.insert(trx, { user_id: user.id, action: 'auth.login', ip, outcome: 'ok' }, at);
      });
      return { ...(await issue(user.id, sessionId, jti)), user: presentUser(user) };
    },

    /**
     * Exchanges a refresh token for a new pair. Each refresh token works once; presented again
     * within REFRESH_RETRY_GRACE_MS of its rotation (a retry, a second tab, two concurrent
     * refreshes) it gets the session's current pair, later it revokes the whole session (its access
     * tokens stop working too). A session older than the maximum age refreshes no more.
     */
    async refresh(refreshToken: string, ip: string | null) {
      const claims = tokens.verifyRefresh(refreshToken);
      if (!claims) {
        await audit(null, 'auth.refresh', ip, 'denied', { reason: 'invalid_token' });
        throw unauthorized('Invalid or expired refresh token');
      }
      let session = await sessionsRepository.byId(db, claims.sid);
      const at = now();
      if (!session || session.revoked_at !== null || session.expires_at <= at || session.user_id !== claims.sub) {
        await audit(claims.sub, 'auth.refresh', ip, 'denied', { reason: 'session_inactive' });
        throw unauthorized('Session is no longer valid');
      }
      // Not revoked: access tokens already issued run to their own (short) expiry.
      if (at - session.created_at >= maxAgeMs) {
        await audit(claims.sub, 'auth.refresh', ip, 'denied', { reason: 'session_max_age' });
        throw unauthorized('The session reached its maximum age; log in again');
      }
      let jti: string | null = null;
      if (claims.jti === session.refresh_jti) {
        const nextJti = tokens.newId();
        if (await sessionsRepository.rotate(db, session.id, claims.jti, nextJti, at + refreshTtlSeconds * 1000, at)) jti = nextJti;
        // Lost a race with a concurrent refresh of the same token: that one rotated it just now.
        else session = await sessionsRepository.byId(db, claims.sid);
      }
      if (!jti && session && session.revoked_at === null && session.previous_jti === claims.jti && session.rotated_at !== null && at - session.rotated_at <= REFRESH_RETRY_GRACE_MS) {
        jti = session.refresh_jti;
      }
      if (!jti) {
        await sessionsRepository.revoke(db, claims.sid, 'refresh_reuse', at);
        await sessions.forget(claims.sid);
        await audit(claims.sub, 'auth.refresh', ip, 'denied', { reason: 'refresh_token_reuse' });
        throw unauthorized('Refresh token was already used; the session has been revoked');
      }
      const user = await usersRepository.byId(db, claims.sub);
      if (!user) throw unauthorized('Session is no longer valid');
      await audit(user.id, 'auth.refresh', ip, 'ok');
      return { ...(await issue(user.id, claims.sid, jti)), user: presentUser(user) };
    },

    /** Revokes the caller's session: its access and refresh tokens stop working at once. */
    async logout(principal: Principal, ip: string | null) {
      await sessionsRepository.revoke(db, principal.sessionId, 'logout', now());
      await sessions.forget(principal.sessionId);
      await audit(principal.userId, 'auth.logout', ip, 'ok');
    },

    /** The principal behind an access token, or null when it is invalid, expired or its session revoked. */
    async authenticate(accessToken: string): Promise<(Principal & { exp: number }) | null> {
      const claims = tokens.verifyAccess(accessToken);
      if (!claims) return null;
      if (!(await sessions.isActive(claims.sid))) return null;
      return { userId: claims.sub, sessionId: claims.sid, exp: claims.exp };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
