import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { parseOccurrenceKey } from '../../services/occurrences.service.js';
import { ifMatchVersion } from '../etag.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { IdParam } from '../../schemas/common.schemas.js';
import { empty, ok, operation } from '../../schemas/responses.js';
import { ConflictSchema, EventWriteResponse, OccurrenceBody, OccurrenceItem, OccurrenceParams, OccurrenceScopeQuery, WindowQuery } from '../../schemas/events.schemas.js';

/** Occurrences of a recurring event: list, cancel one, change one, change this and following. */
export async function occurrencesRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/events/:id/occurrences', {
    schema: operation('GET', {
      operationId: 'listOccurrences', tags: ['occurrences'], summary: 'Occurrences inside a window (≤ 366 days), exceptions applied',
      params: IdParam, querystring: WindowQuery,
      success: { 200: ok('The occurrences, in start order', Type.Object({ items: Type.Array(OccurrenceItem) })) }, errors: [404],
    }),
  }, async (req) => c.occurrences.list(principalOf(req).userId, req.params.id, req.query.start_time, req.query.end_time));

  r.delete('/api/events/:id/occurrences/:occurrence_start', {
    config: { eventRole: 'EDITOR' },
    schema: operation('DELETE', {
      operationId: 'cancelOccurrence', tags: ['occurrences'], summary: 'Cancel one occurrence (editor or owner)',
      params: OccurrenceParams, success: { 204: empty('Cancelled') }, errors: [403, 404, 412],
    }),
  }, async (req, reply) => {
    await c.occurrences.cancel(principalOf(req).userId, req.params.id, parseOccurrenceKey(req.params.occurrence_start), { ip: req.ip, expectedVersion: ifMatchVersion(req) });
    return reply.status(204).send(null);
  });

  r.put('/api/events/:id/occurrences/:occurrence_start', {
    config: { eventRole: 'EDITOR' },
    schema: operation('PUT', {
      operationId: 'changeOccurrence', tags: ['occurrences'],
      summary: 'Change one occurrence (scope=this, returns the series) or split the series there (scope=following, returns {original, following})',
      params: OccurrenceParams, querystring: OccurrenceScopeQuery, body: OccurrenceBody,
      success: {
        200: ok('scope=this: the series with the changed occurrence; scope=following: both halves', Type.Union([
          EventWriteResponse,
          Type.Object({ original: Type.Ref('Event'), following: Type.Ref('Event'), conflicts: Type.Array(ConflictSchema) }),
        ])),
      },
      errors: [403, 404, 409, 412],
    }),
  }, async (req) => {
    const actor = principalOf(req).userId;
    const key = parseOccurrenceKey(req.params.occurrence_start);
    const flags = { checkConflicts: req.query.check_conflicts, ip: req.ip, expectedVersion: ifMatchVersion(req) };
    if (req.query.scope === 'following') return c.occurrences.split(actor, req.params.id, key, req.body, flags);
    const out = await c.occurrences.change(actor, req.params.id, key, req.body, flags);
    return { ...out.event, conflicts: out.conflicts };
  });
}

