import { randomBytes } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import { LRUCache } from 'lru-cache';

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
  const verifyAccess = createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: ACCESS_AUD });
  /*
   * Every authenticated request verifies its access token. Verified claims are kept by the exact
   * token text (fast-jwt's own cache keys by a SHA-256 of the token, which cost more than the Map
   * lookup here) and used only until the token's own expiry.
   */
  const verified = new LRUCache<string, AccessClaims>({ max: 5000 });
  const verifyRefresh = createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: REFRESH_AUD });

  return {
    accessTtlSeconds,
    signAccess: (userId, sid) => signAccess({ sub: String(userId), sid, typ: 'access' }),
    signRefresh: (userId, sid, jti) => signRefresh({ sub: String(userId), sid, jti, typ: 'refresh' }),
    verifyAccess(token) {
      const hit = verified.get(token);
      if (hit) {
        if (hit.exp * 1000 > Date.now()) return hit;
        verified.delete(token);
        return null;
      }
      try {
        const c = verifyAccess(token) as Record<string, unknown>;
        if (c.typ !== 'access' || typeof c.sid !== 'string') return null;
        const sub = Number(c.sub);
        if (!Number.isSafeInteger(sub) || sub <= 0) return null;
        const claims = Object.freeze({ sub, sid: c.sid, exp: Number(c.exp) });
        verified.set(token, claims);
        return claims;
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
