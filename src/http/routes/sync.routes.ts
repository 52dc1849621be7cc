import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { errors } from '../schemas/common.schemas.js';
import { SyncQuery, SyncResponse } from '../schemas/sync.schemas.js';

/** Offline sync: what changed since a cursor. */
export async function syncRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/sync', {
    schema: {
      tags: ['sync'],
      summary: 'Events changed since the cursor, tombstones for deleted or unshared ones, and a new cursor',
      description:
        'Without a cursor: every live event you hold a role on. Pages hold at most 500 events; while ' +
        '`has_more` is true call again with the returned cursor. A malformed cursor, or one older than ' +
        '30 days, gets 410 GONE: drop local state and sync without a cursor.',
      security: [{ bearer: [] }],
      querystring: SyncQuery,
      response: { 200: SyncResponse, ...errors(400, 401, 410) },
    },
  }, async (req) => c.sync.sync(principalOf(req).userId, req.query.cursor));
}
