import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { UserSearchQuery, UserSearchResponse } from '../../schemas/auth.schemas.js';
import { ok, operation } from '../../schemas/responses.js';
import { Type } from 'typebox';

export async function usersRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/users/me', {
    schema: operation('GET', { operationId: 'getMe', tags: ['users'], summary: 'The caller', success: { 200: ok('You', Type.Ref('User')) } }),
  }, async (req) => c.users.me(principalOf(req).userId));

  r.get('/api/users', {
    schema: operation('GET', {
      operationId: 'searchUsers', tags: ['users'], summary: 'Find a user by exact username or email (to share with)',
      querystring: UserSearchQuery, success: { 200: ok('The matching user, if any', UserSearchResponse) },
    }),
  }, async (req) => c.users.search(req.query.q));
}
