import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { unauthorized } from '../../domain/errors.js';
import type { AuthService, Principal } from '../../services/auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: (Principal & { exp: number }) | null;
  }
  interface FastifyContextConfig {
    /** The route accepts the access token as `?token=` on a WebSocket upgrade (browsers cannot set headers there). */
    queryToken?: boolean;
  }
}

/** The bearer token of the Authorization header, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m ? m[1] : null;
}

/** Decorates every request with `principal` (null until an authenticated scope resolves it). */
export const principalPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('principal', null);
});

/**
 * Registered inside the authenticated scope only: every route there needs a valid, unrevoked access
 * token from the Authorization header. Only a route marked `queryToken` (the notification socket)
 * takes `?token=` instead, and only on a WebSocket upgrade: a token in a URL ends up in logs and
 * browser history, so no other route reads one.
 */
export function requireAuth(auth: AuthService, onFailure?: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  return async function authHook(request: FastifyRequest, reply: FastifyReply) {
    let token = bearerToken(request);
    if (!token && request.routeOptions.config.queryToken && request.headers.upgrade?.toLowerCase() === 'websocket') {
      const q = request.query as Record<string, unknown> | undefined;
      if (typeof q?.token === 'string') token = q.token;
    }
    const principal = token ? await auth.authenticate(token) : null;
    if (!principal) {
      // Unauthenticated callers are limited per IP too: guessing tokens is not free.
      await onFailure?.(request, reply);
      throw unauthorized(token ? 'Invalid, expired or revoked token' : 'Missing bearer token');
    }
    request.principal = principal;
  };
}

/** The authenticated caller; only call inside the authenticated scope. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}
