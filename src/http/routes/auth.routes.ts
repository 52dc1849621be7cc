import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { validationError } from '../../domain/errors.js';
import { bearerToken } from '../plugins/auth.plugin.js';
import { LoginBody, RefreshBody, RegisterBody, RegisterResponse, TokenResponse } from '../../schemas/auth.schemas.js';
import { empty, FORM_MEDIA, BODY_MEDIA, ok, operation } from '../../schemas/responses.js';

/** The refresh token as the bearer token, or none (it is then in the body). */
const REFRESH_SECURITY: Record<string, string[]>[] = [{ refreshToken: [] }, {}];

/** Public auth routes: register, login, refresh (each with its own per-IP rate limit). */
export async function publicAuthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // Counted on arrival, before the body is read or parsed: a flood of unparsable bodies is limited too.
  const authLimit = { max: c.config.rateLimitAuthPerMinute, timeWindow: 60_000, hook: 'onRequest' as const };

  r.post('/api/auth/register', {
    config: { rateLimit: authLimit },
    schema: operation('POST', {
      operationId: 'register', tags: ['auth'], summary: 'Create an account', access: 'public', body: RegisterBody,
      success: { 201: ok('The account, signed in', RegisterResponse) }, errors: [409],
    }),
  }, async (req, reply) => {
    const { user, tokens } = await c.auth.register(req.body, req.ip);
    return reply.status(201).send({ ...user, ...tokens });
  });

  r.post('/api/auth/login', {
    config: { rateLimit: authLimit },
    schema: operation('POST', {
      operationId: 'login', tags: ['auth'], summary: 'Log in with username or email (JSON or OAuth2 password form)', access: 'public',
      description: 'JSON or MessagePack `{username | email, password}`, or the OAuth2 password form (`application/x-www-form-urlencoded`, `username` may hold an email).',
      body: LoginBody, consumes: [...BODY_MEDIA, FORM_MEDIA],
      success: { 200: ok('Tokens and the user', TokenResponse) }, errors: [{ status: 401, ...ok('Wrong username, email or password', Type.Unsafe({ $ref: 'Error401#' })) }],
    }),
  }, async (req) => {
    const identifier = req.body.username ?? req.body.email;
    if (!identifier) throw validationError([{ field: 'username', message: 'username or email is required' }]);
    return c.auth.login(identifier, req.body.password, req.ip);
  });

  r.post('/api/auth/refresh', {
    config: { rateLimit: authLimit },
    // A refresh by header alone has no body: validate it as an empty object.
    preValidation: async (req) => {
      if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
    },
    schema: operation('POST', {
      operationId: 'refreshTokens', tags: ['auth'], summary: 'Exchange a refresh token (Bearer header or body) for a new pair',
      description: 'Send the refresh token as the bearer token (`Authorization: Bearer <refresh token>`) or as `refresh_token` in the body; the body may then be left out. A reused refresh token revokes its session.',
      access: 'public', security: REFRESH_SECURITY, body: RefreshBody, bodyOptional: true,
      success: { 200: ok('A new token pair and the user', TokenResponse) },
      errors: [{ status: 401, ...ok('Invalid, expired, revoked or reused refresh token', Type.Unsafe({ $ref: 'Error401#' })) }],
    }),
  }, async (req) => {
    const token = bearerToken(req) ?? req.body?.refresh_token;
    if (!token) throw validationError([{ field: 'refresh_token', message: 'refresh token is required (body or Authorization header)' }]);
    return c.auth.refresh(token, req.ip);
  });
}

/** Authenticated auth routes. */
export async function authRoutes(app: FastifyInstance, { c }: { c: Container }) {
  app.post('/api/auth/logout', {
    schema: operation('POST', {
      operationId: 'logout', tags: ['auth'], summary: 'Revoke the current session',
      success: { 204: empty('Signed out: the session and its refresh token are revoked') },
    }),
  }, async (req, reply) => {
    await c.auth.logout(req.principal!, req.ip);
    return reply.status(204).send();
  });
}
