import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { Type } from 'typebox';
import { ok, operation } from '../../schemas/responses.js';
import { SyncQuery, SyncResponse } from '../../schemas/sync.schemas.js';

/** Offline sync: what changed since a cursor. */
export async function syncRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/sync', {
    schema: operation('GET', {
      operationId: 'sync', tags: ['sync'],
      summary: 'Events changed since the cursor, tombstones for deleted or unshared ones, and a new cursor',
      description:
        'Without a cursor: every live event you hold a role on. Pages hold at most 500 events; while ' +
        '`has_more` is true call again with the returned cursor. A malformed cursor, or one older than ' +
        '30 days, gets 410 GONE: drop local state and sync without a cursor.',
      querystring: SyncQuery,
      success: { 200: ok('Changes since the cursor and the next cursor', SyncResponse) },
      errors: [{ status: 410, ...ok('The cursor is malformed or older than 30 days: sync again without one', Type.Unsafe({ $ref: 'Error410#' })) }],
    }),
  }, async (req) => c.sync.sync(principalOf(req).userId, req.query.cursor));
}
