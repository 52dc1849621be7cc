import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { UserSearchQuery, UserSearchResponse } from '../schemas/auth.schemas.js';
import { errors } from '../schemas/common.schemas.js';
import { Type } from 'typebox';

export async function usersRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/users/me', {
    schema: { tags: ['users'], summary: 'The caller', security: [{ bearer: [] }], response: { 200: Type.Ref('User'), ...errors(401) } },
  }, async (req) => c.users.me(principalOf(req).userId));

  r.get('/api/users', {
    schema: {
      tags: ['users'],
      summary: 'Find a user by exact username or email (to share with)',
      security: [{ bearer: [] }],
      querystring: UserSearchQuery,
      response: { 200: UserSearchResponse, ...errors(400, 401) },
    },
  }, async (req) => c.users.search(req.query.q));
}
