import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Container } from '../../container.js';
import { AppError } from '../../domain/errors.js';
import { unfoldBytes } from '../../ical/index.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_VEVENTS } from '../../services/ical-import.service.js';
import { notModified } from '../etag.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { Type } from 'typebox';
import { IdParam } from '../../schemas/common.schemas.js';
import { empty, ok, operation, type HeaderSet } from '../../schemas/responses.js';
import { CalendarQuery, CalendarRequestBody, ImportQuery, ImportResponse } from '../../schemas/ical.schemas.js';

/** An iCalendar export's ETag (the event's own for one event, a hash of the bytes for a calendar). */
export const ETAG_ANY: HeaderSet = { ETag: { schema: { type: 'string' }, description: 'Entity tag; send it back in If-None-Match', required: true } };
const TEXT_CALENDAR = 'text/calendar; charset=utf-8';
const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `An import may be at most ${MAX_IMPORT_BYTES} bytes (4 MiB); split the file`, { max_bytes: MAX_IMPORT_BYTES });

/** Sends generated iCalendar text, or 304 when the client holds it already. */
export function sendCalendar(req: Parameters<typeof notModified>[0], reply: FastifyReply, out: { text: string; etag: string }) {
  if (notModified(req, reply, out.etag)) return reply;
  return reply.header('etag', out.etag).type(TEXT_CALENDAR).send(out.text);
}

/** iCalendar export (one event, the whole calendar) and import. */
export async function icalRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  // Read as bytes with our own limit (Fastify's 413 cannot name it) and unfolded before UTF-8
  // decoding, so a fold inside a multi-byte character survives.
  app.addContentTypeParser('text/calendar', (req, payload, done) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_IMPORT_BYTES) return done(tooLarge(), undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_IMPORT_BYTES) {
        payload.removeAllListeners('data');
        payload.resume();
        done(tooLarge(), undefined);
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => {
      if (size <= MAX_IMPORT_BYTES) done(null, unfoldBytes(Buffer.concat(chunks)));
    });
    payload.on('error', (err) => done(err, undefined));
  });

  r.get('/api/events/:id/ics', {
    schema: operation('GET', {
      operationId: 'exportEvent', tags: ['icalendar'], summary: 'One event as iCalendar (any role); same ETag as the event',
      params: IdParam, success: { 200: ok('iCalendar (RFC 5545): one VCALENDAR', Type.String({ description: 'VCALENDAR text, CRLF line ends' }), { media: ['text/calendar'], headers: ETAG_ANY }), 304: empty('Not modified') }, errors: [404],
    }),
  }, async (req, reply) => sendCalendar(req, reply, await c.icalExport.event(principalOf(req).userId, req.params.id)));

  r.get('/api/calendar.ics', {
    schema: operation('GET', {
      operationId: 'exportCalendar', tags: ['icalendar'], summary: 'Every event you hold a role on as one iCalendar file (optionally only a window)',
      querystring: CalendarQuery, success: { 200: ok('iCalendar (RFC 5545): one VCALENDAR', Type.String({ description: 'VCALENDAR text, CRLF line ends' }), { media: ['text/calendar'], headers: ETAG_ANY }), 304: empty('Not modified') },
    }),
  }, async (req, reply) => sendCalendar(req, reply, await c.icalExport.calendar(principalOf(req).userId, req.query.start_time, req.query.end_time)));

  r.post('/api/events/import', {
    schema: operation('POST', {
      operationId: 'importCalendar', tags: ['icalendar'], consumes: ['text/calendar'],
      summary: `Import an iCalendar file (at most ${MAX_IMPORT_VEVENTS} VEVENTs, 4 MiB): create or update your events by UID`,
      description: 'Each VEVENT with its RECURRENCE-ID overrides becomes one event you own; the same UID again updates it '
        + '(a new version, or `unchanged`). Valid events are written in one transaction; invalid ones are listed in `failed` '
        + 'with their index, UID and reason. Overlaps are reported in `conflicts`; with check_conflicts=true those events fail.',
      querystring: ImportQuery, body: CalendarRequestBody,
      success: { 200: ok('What was created, updated, left unchanged and what failed', ImportResponse) },
    }),
  }, async (req) => {
    const body = req.body as unknown;
    if (typeof body !== 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file with Content-Type: text/calendar');
    return c.icalImport.importCalendar(principalOf(req).userId, body, { checkConflicts: req.query.check_conflicts, ip: req.ip, timezone: req.query.timezone });
  });
}
