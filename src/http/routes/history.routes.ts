import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { ifMatchVersion } from '../etag.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { IdParam } from '../../schemas/common.schemas.js';
import { ETAG, ok, operation } from '../../schemas/responses.js';
import { CheckConflictsQuery, EventWriteResponse } from '../../schemas/events.schemas.js';
import { ChangelogList, DiffParams, DiffResponse, HistoryEntrySchema, HistoryList, PageQuery, VersionParams } from '../../schemas/history.schemas.js';

/** Set (to "true") on a rollback response when the event already had that state: nothing was written. */
export const NO_CHANGE_HEADER = 'x-tandem-no-change';

/** History: versions, one version, rollback, changelog and diffs. Readable by any role holder, also after a delete. */
export async function historyRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/events/:id/history', {
    schema: operation('GET', {
      operationId: 'listEventHistory', tags: ['history'], summary: 'Versions of an event, newest first (viewer+)',
      params: IdParam, querystring: PageQuery, success: { 200: ok('One page of versions', HistoryList) }, errors: [404],
    }),
  }, async (req) => c.history.list(principalOf(req).userId, req.params.id, req.query.skip ?? 0, req.query.limit ?? 50));

  r.get('/api/events/:id/history/:versionId', {
    schema: operation('GET', {
      operationId: 'getEventVersion', tags: ['history'], summary: 'One version of an event: its full snapshot (viewer+)',
      params: VersionParams, success: { 200: ok('The version', HistoryEntrySchema) }, errors: [404],
    }),
  }, async (req) => c.history.get(principalOf(req).userId, req.params.id, req.params.versionId));

  r.post('/api/events/:id/rollback/:versionId', {
    config: { eventRole: 'EDITOR' },
    schema: operation('POST', {
      operationId: 'rollbackEvent', tags: ['history'],
      summary: 'Roll back to a version (editor+): appends a new version equal to it',
      description:
        'Honours If-Match (stale → 412 with current_version) and check_conflicts like an update. A deleted event → 409 until restored. ' +
        'When the event already equals that version nothing is written: 200 with the unchanged event and the header `X-Tandem-No-Change: true`.',
      params: VersionParams, querystring: CheckConflictsQuery,
      success: {
        200: ok('The event after the rollback', EventWriteResponse, {
          headers: { ...ETAG, 'X-Tandem-No-Change': { schema: { type: 'string', enum: ['true'] }, description: 'Present when the rollback changed nothing' } },
        }),
      },
      errors: [403, 404, 409, 412],
    }),
  }, async (req, reply) => {
    const out = await c.history.rollback(principalOf(req).userId, req.params.id, req.params.versionId, {
      checkConflicts: req.query.check_conflicts, ip: req.ip, expectedVersion: ifMatchVersion(req),
    });
    if (!out.changed) reply.header(NO_CHANGE_HEADER, 'true');
    return reply.header('etag', out.etag).send({ ...out.event, conflicts: out.conflicts });
  });

  r.get('/api/events/:id/changelog', {
    schema: operation('GET', {
      operationId: 'listEventChanges', tags: ['history'], summary: 'Changelog, newest first: who changed what and when (viewer+)',
      params: IdParam, querystring: PageQuery, success: { 200: ok('One page of changes', ChangelogList) }, errors: [404],
    }),
  }, async (req) => c.history.changelog(principalOf(req).userId, req.params.id, req.query.skip ?? 0, req.query.limit ?? 50));

  r.get('/api/events/:id/diff/:versionId1/:versionId2', {
    schema: operation('GET', {
      operationId: 'diffEventVersions', tags: ['history'], summary: 'Field-by-field differences between two versions, either order (viewer+)',
      params: DiffParams, success: { 200: ok('The changed fields', DiffResponse) }, errors: [404],
    }),
  }, async (req) => c.history.diff(principalOf(req).userId, req.params.id, req.params.versionId1, req.params.versionId2));
}
