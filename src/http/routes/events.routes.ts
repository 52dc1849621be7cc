import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { validationError } from '../../domain/errors.js';
import { parseRole } from '../../domain/roles.js';
import { parseTimestamp } from '../../domain/time.js';
import { ifMatchVersion, notModified } from '../etag.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { IdParam } from '../../schemas/common.schemas.js';
import { empty, ETAG, LOCATION, ok, operation } from '../../schemas/responses.js';
import {
  BatchBody, CheckConflictsQuery, ConflictPairs, ConflictSchema, EventCreateBody, EventListQuery, EventListResponse,
  EventUpdateBody, EventWriteResponse, GetEventQuery, WindowQuery,
} from '../../schemas/events.schemas.js';

/** Events: create, list, read, update, delete, restore, batch and the conflicts report. */
export async function eventsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/events', {
    schema: operation('POST', {
      operationId: 'createEvent', tags: ['events'], summary: 'Create an event (409 on overlaps unless check_conflicts=false)',
      querystring: CheckConflictsQuery, body: EventCreateBody,
      success: { 201: ok('The created event and the events it overlaps', EventWriteResponse, { headers: { ...ETAG, ...LOCATION } }) },
      errors: [409],
    }),
  }, async (req, reply) => {
    const out = await c.events.create(principalOf(req).userId, req.body, { checkConflicts: req.query.check_conflicts, ip: req.ip });
    return reply.status(201).header('location', `/api/events/${out.id}`).header('etag', out.etag).send({ ...out.event, conflicts: out.conflicts });
  });

  r.get('/api/events', {
    schema: operation('GET', {
      operationId: 'listEvents', tags: ['events'], summary: 'Events you hold a role on: filters, window, expansion, pagination',
      querystring: EventListQuery, success: { 200: ok('One page of events (of occurrences with expand=true)', EventListResponse) },
    }),
  }, async (req) => {
    const { role, ...q } = req.query;
    const parsedRole = role === undefined ? undefined : parseRole(role);
    if (parsedRole === null) throw validationError([{ field: 'role', message: 'must be OWNER, EDITOR or VIEWER' }]);
    return c.listing.list(principalOf(req).userId, { ...q, role: parsedRole });
  });

  r.get('/api/events/conflicts', {
    schema: operation('GET', {
      operationId: 'listConflicts', tags: ['events'], summary: 'Pairs of your events that overlap inside a window (≤ 366 days)',
      querystring: WindowQuery, success: { 200: ok('The overlapping pairs', ConflictPairs) },
    }),
  }, async (req) => {
    return c.events.conflicts(principalOf(req).userId, req.query.start_time, req.query.end_time);
  });

  r.post('/api/events/batch', {
    schema: operation('POST', {
      operationId: 'createEventsBatch', tags: ['events'], summary: 'Create 1–100 events in one transaction (all or nothing)',
      querystring: CheckConflictsQuery, body: BatchBody,
      success: { 201: ok('The created events', Type.Object({ created: Type.Integer(), events: Type.Array(Type.Ref('Event')), conflicts: Type.Array(ConflictSchema) })) },
      errors: [409],
    }),
  }, async (req, reply) => {
    const out = await c.events.batch(principalOf(req).userId, req.body.events, { checkConflicts: req.query.check_conflicts, ip: req.ip });
    return reply.status(201).send(out);
  });

  r.get('/api/events/:id', {
    schema: operation('GET', {
      operationId: 'getEvent', tags: ['events'], summary: 'One event with its permissions; as_of reads it as it stood then',
      description: 'Send the ETag back in If-None-Match to get 304 while the representation is unchanged.',
      params: IdParam, querystring: GetEventQuery,
      success: { 200: ok('The event', Type.Ref('Event'), { headers: ETAG }), 304: empty('Not modified: If-None-Match names this representation', ETAG) },
      errors: [404],
    }),
  }, async (req, reply) => {
    let asOf: number | undefined;
    if (req.query.as_of !== undefined) {
      const t = parseTimestamp(req.query.as_of);
      if (t === null) throw validationError([{ field: 'as_of', message: 'must be an RFC 3339 timestamp' }]);
      asOf = t;
    }
    const out = await c.events.get(principalOf(req).userId, req.params.id, asOf);
    if (notModified(req, reply, out.etag)) return reply;
    return reply.header('etag', out.etag).send(out.event);
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    r.route({
      method,
      url: '/api/events/:id',
      config: { eventRole: 'EDITOR' },
      schema: operation(method, {
        // PUT is the same partial update as PATCH (kept for older clients).
        operationId: method === 'PATCH' ? 'updateEvent' : 'updateEventPut',
        tags: ['events'], summary: 'Partial update (editor or owner); If-Match and base_version guard against lost updates',
        params: IdParam, querystring: CheckConflictsQuery, body: EventUpdateBody,
        success: { 200: ok('The updated event and the events it overlaps', EventWriteResponse, { headers: ETAG }) },
        errors: [403, 404, 409, 412],
      }),
      handler: async (req, reply) => {
        const out = await c.events.update(principalOf(req).userId, req.params.id, req.body, {
          checkConflicts: req.query.check_conflicts, ip: req.ip, expectedVersion: ifMatchVersion(req),
        });
        return reply.header('etag', out.etag).send({ ...out.event, conflicts: out.conflicts });
      },
    });
  }

  r.delete('/api/events/:id', {
    config: { eventRole: 'OWNER' },
    schema: operation('DELETE', {
      operationId: 'deleteEvent', tags: ['events'], summary: 'Delete (owner); history is kept', params: IdParam,
      success: { 204: empty('Deleted') }, errors: [403, 404, 412],
    }),
  }, async (req, reply) => {
    await c.events.remove(principalOf(req).userId, req.params.id, { ip: req.ip, expectedVersion: ifMatchVersion(req) });
    return reply.status(204).send(null);
  });

  r.post('/api/events/:id/restore', {
    config: { eventRole: 'OWNER' },
    schema: operation('POST', {
      operationId: 'restoreEvent', tags: ['events'], summary: 'Restore a deleted event (owner); conflict-checked like a create',
      params: IdParam, querystring: CheckConflictsQuery,
      success: { 200: ok('The restored event and the events it overlaps', EventWriteResponse, { headers: ETAG }) }, errors: [403, 404, 409],
    }),
  }, async (req, reply) => {
    const out = await c.events.restore(principalOf(req).userId, req.params.id, { checkConflicts: req.query.check_conflicts, ip: req.ip });
    return reply.header('etag', out.etag).send({ ...out.event, conflicts: out.conflicts });
  });
}
