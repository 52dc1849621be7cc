import { randomBytes } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';

export interface AccessClaims {
  sub: number;
  sid: string;
  exp: number;
}

export interface RefreshClaims {
  sub: number;
  sid: string;
  jti: string;
  exp: number;
}

export interface TokenService {
  signAccess(userId: number, sessionId: string): string;
  signRefresh(userId: number, sessionId: string, jti: string): string;
  /** Claims of a valid access token, or null (expired, tampered, wrong algorithm, audience or type). */
  verifyAccess(token: string): AccessClaims | null;
  verifyRefresh(token: string): RefreshClaims | null;
  newId(): string;
  accessTtlSeconds: number;
}

const ISSUER = 'tandem';
const ACCESS_AUD = 'tandem:access';
const REFRESH_AUD = 'tandem:refresh';

/**
 * JWTs signed with HS256 only: the verifier pins the algorithm (so `alg: none` and key-confusion
 * tokens fail), checks issuer and audience, and access and refresh tokens carry different
 * audiences and types, so one is never accepted as the other.
 */
export function createTokenService(secret: string, accessTtlSeconds: number, refreshTtlSeconds: number): TokenService {
  const signAccess = createSigner({ key: secret, algorithm: 'HS256', iss: ISSUER, aud: ACCESS_AUD, expiresIn: accessTtlSeconds * 1000 });
  const signRefresh = createSigner({ key: secret, algorithm: 'HS256', iss: ISSUER, aud: REFRESH_AUD, expiresIn: refreshTtlSeconds * 1000 });
  const verifyAccess = createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: ACCESS_AUD, cache: 1000 });
  const verifyRefresh = createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: REFRESH_AUD });

  return {
    accessTtlSeconds,
    signAccess: (userId, sid) => signAccess({ sub: String(userId), sid, typ: 'access' }),
    signRefresh: (userId, sid, jti) => signRefresh({ sub: String(userId), sid, jti, typ: 'refresh' }),
    verifyAccess(token) {
      try {
        const c = verifyAccess(token) as Record<string, unknown>;
        if (c.typ !== 'access' || typeof c.sid !== 'string') return null;
        const sub = Number(c.sub);
        if (!Number.isSafeInteger(sub) || sub <= 0) return null;
        return { sub, sid: c.sid, exp: Number(c.exp) };
      } catch {
        return null;
      }
    },
    verifyRefresh(token) {
      try {
        const c = verifyRefresh(token) as Record<string, unknown>;
        if (c.typ !== 'refresh' || typeof c.sid !== 'string' || typeof c.jti !== 'string') return null;
        const sub = Number(c.sub);
        if (!Number.isSafeInteger(sub) || sub <= 0) return null;
        return { sub, sid: c.sid, jti: c.jti, exp: Number(c.exp) };
      } catch {
        return null;
      }
    },
    newId: () => randomBytes(16).toString('base64url'),
  };
}
