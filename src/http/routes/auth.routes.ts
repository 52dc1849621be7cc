import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Container } from '../../container.js';
import { validationError } from '../../domain/errors.js';
import { bearerToken } from '../plugins/auth.plugin.js';
import { LoginBody, RefreshBody, RegisterBody, RegisterResponse, TokenResponse } from '../schemas/auth.schemas.js';
import { errors } from '../schemas/common.schemas.js';

/** Public auth routes: register, login, refresh (each with its own per-IP rate limit). */
export async function publicAuthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // Counted on arrival, before the body is read or parsed: a flood of unparsable bodies is limited too.
  const authLimit = { max: c.config.rateLimitAuthPerMinute, timeWindow: 60_000, hook: 'onRequest' as const };

  r.post('/api/auth/register', {
    config: { rateLimit: authLimit },
    schema: { tags: ['auth'], summary: 'Create an account', body: RegisterBody, response: { 201: RegisterResponse, ...errors(400, 409, 429) } },
  }, async (req, reply) => {
    const { user, tokens } = await c.auth.register(req.body, req.ip);
    return reply.status(201).send({ ...user, ...tokens });
  });

  r.post('/api/auth/login', {
    config: { rateLimit: authLimit },
    schema: {
      tags: ['auth'],
      summary: 'Log in with username or email (JSON or OAuth2 password form)',
      body: LoginBody,
      response: { 200: TokenResponse, ...errors(400, 401, 429) },
    },
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
    schema: {
      tags: ['auth'],
      summary: 'Exchange a refresh token (Bearer header or body) for a new pair',
      body: RefreshBody,
      response: { 200: TokenResponse, ...errors(400, 401, 429) },
    },
  }, async (req) => {
    const token = bearerToken(req) ?? req.body?.refresh_token;
    if (!token) throw validationError([{ field: 'refresh_token', message: 'refresh token is required (body or Authorization header)' }]);
    return c.auth.refresh(token, req.ip);
  });
}

/** Authenticated auth routes. */
export async function authRoutes(app: FastifyInstance, { c }: { c: Container }) {
  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'Revoke the current session', security: [{ bearer: [] }], response: { 204: { type: 'null' }, ...errors(401) } },
  }, async (req, reply) => {
    await c.auth.logout(req.principal!, req.ip);
    return reply.status(204).send();
  });
}
