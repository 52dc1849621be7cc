import { hash, verify } from '@node-rs/argon2';
import type { TokenService } from '../adapters/tokens.js';
import type { DbHandle } from '../db/connection.js';
import type { UserRow } from '../db/types.js';
import { AppError, unauthorized } from '../domain/errors.js';
import { presentUser } from '../presenters/user.presenter.js';
import { auditRepository } from '../repositories/audit.repository.js';
import { sessionsRepository } from '../repositories/sessions.repository.js';
import { usersRepository } from '../repositories/users.repository.js';

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
}

// OWASP's argon2id baseline (19 MiB, t=2, p=1).
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function createAuthService(deps: { handle: DbHandle; tokens: TokenService; refreshTtlSeconds: number; sessions: SessionChecker }) {
  const { handle, tokens, refreshTtlSeconds, sessions } = deps;
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

  async function audit(userId: number | null, action: string, ip: string | null, outcome: 'success' | 'failure', details = {}) {
    await auditRepository.insert(db, { user_id: userId, action, ip, outcome, details }, Date.now());
  }

  return {
    /** Creates a user and a login session. Throws CONFLICT when the username or email is taken. */
    async register(input: { username: string; email: string; password: string }, ip: string | null) {
      const usernameLower = input.username.toLowerCase();
      const email = input.email.toLowerCase();
      const taken = await usersRepository.existing(db, usernameLower, email);
      if (taken.username || taken.email) {
        await audit(null, 'auth.register', ip, 'failure', { reason: taken.username ? 'username_taken' : 'email_taken' });
        throw new AppError('CONFLICT', taken.username ? 'Username is already taken' : 'Email is already registered', {
          field: taken.username ? 'username' : 'email',
        });
      }
      const passwordHash = await hash(input.password, ARGON);
      const now = Date.now();
      const sessionId = tokens.newId();
      const jti = tokens.newId();
      let user: UserRow;
      try {
        user = await db.transaction().execute(async (trx) => {
          const u = await usersRepository.insert(trx, {
            username: input.username,
            username_lower: usernameLower,
            email,
            password_hash: passwordHash,
            created_at: now,
          });
          await sessionsRepository.insert(trx, {
            id: sessionId, user_id: u.id, refresh_jti: jti, created_at: now,
            expires_at: now + refreshTtlSeconds * 1000, revoked_at: null, revoked_reason: null,
          });
          await auditRepository.insert(trx, { user_id: u.id, action: 'auth.register', ip, outcome: 'success' }, now);
          return u;
        });
      } catch (err) {
        // Lost a race with a concurrent registration of the same name: the unique index decided.
        if (/unique|duplicate/i.test(String((err as Error).message))) {
          await audit(null, 'auth.register', ip, 'failure', { reason: 'duplicate' });
          throw new AppError('CONFLICT', 'Username or email is already registered');
        }
        throw err;
      }
      return { user: presentUser(user), tokens: await issue(user.id, sessionId, jti) };
    },

    /** Checks a username-or-email and password; the same 401 for an unknown user and a wrong password. */
    async login(identifier: string, password: string, ip: string | null) {
      const user = await usersRepository.byLogin(db, identifier);
      const ok = user ? await verify(user.password_hash, password).catch(() => false) : (await verify(await dummyHash, password).catch(() => false), false);
      if (!user || !ok) {
        await audit(user?.id ?? null, 'auth.login', ip, 'failure', { identifier: identifier.slice(0, 254) });
        throw unauthorized('Invalid username or password');
      }
      const now = Date.now();
      const sessionId = tokens.newId();
      const jti = tokens.newId();
      await db.transaction().execute(async (trx) => {
        await sessionsRepository.insert(trx, {
          id: sessionId, user_id: user.id, refresh_jti: jti, created_at: now,
          expires_at: now + refreshTtlSeconds * 1000, revoked_at: null, revoked_reason: null,
        });
        await auditRepository.insert(trx, { user_id: user.id, action: 'auth.login', ip, outcome: 'success' }, now);
      });
      return { ...(await issue(user.id, sessionId, jti)), user: presentUser(user) };
    },

    /**
     * Exchanges a refresh token for a new pair. Each refresh token works once: presenting one that
     * was already used revokes the whole session (its access tokens stop working too).
     */
    async refresh(refreshToken: string, ip: string | null) {
      const claims = tokens.verifyRefresh(refreshToken);
      if (!claims) {
        await audit(null, 'auth.refresh', ip, 'failure', { reason: 'invalid_token' });
        throw unauthorized('Invalid or expired refresh token');
      }
      const session = await sessionsRepository.byId(db, claims.sid);
      const now = Date.now();
      if (!session || session.revoked_at !== null || session.expires_at <= now || session.user_id !== claims.sub) {
        await audit(claims.sub, 'auth.refresh', ip, 'failure', { reason: 'session_inactive' });
        throw unauthorized('Session is no longer valid');
      }
      const nextJti = tokens.newId();
      const rotated = await sessionsRepository.rotate(db, session.id, claims.jti, nextJti, now + refreshTtlSeconds * 1000);
      if (!rotated) {
        await sessionsRepository.revoke(db, session.id, 'refresh_reuse', now);
        await sessions.forget(session.id);
        await audit(claims.sub, 'auth.refresh', ip, 'failure', { reason: 'refresh_token_reuse' });
        throw unauthorized('Refresh token was already used; the session has been revoked');
      }
      const user = await usersRepository.byId(db, claims.sub);
      if (!user) throw unauthorized('Session is no longer valid');
      await audit(user.id, 'auth.refresh', ip, 'success');
      return { ...(await issue(user.id, session.id, nextJti)), user: presentUser(user) };
    },

    /** Revokes the caller's session: its access and refresh tokens stop working at once. */
    async logout(principal: Principal, ip: string | null) {
      const now = Date.now();
      await sessionsRepository.revoke(db, principal.sessionId, 'logout', now);
      await sessions.forget(principal.sessionId);
      await audit(principal.userId, 'auth.logout', ip, 'success');
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
