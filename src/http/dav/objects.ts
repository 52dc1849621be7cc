import { AppError } from '../../domain/errors.js';
import { objectText } from '../../services/dav-ical.js';
import { DavPreconditionError } from '../../services/dav-write.service.js';
import { bodyText, type DavCtx } from './context.js';
import { DavError } from './errors.js';
import { href } from './paths.js';
import { objectFor } from './resources.js';
import { d, NS, el, writeXml } from './xml.js';

const CALDAV_CONDITIONS = new Set(['supported-calendar-component', 'valid-calendar-object-resource', 'valid-calendar-data', 'no-uid-conflict']);

/** A DAV error body for a refused write; no-uid-conflict names the resource that has the UID. */
function refusal(ctx: DavCtx, err: DavPreconditionError): DavError {
  const ns = CALDAV_CONDITIONS.has(err.condition) ? NS.CALDAV : NS.DAV;
  const e = new DavError(403, err.message, { ns, name: err.condition });
  if (err.conflictName) {
    const body = writeXml(el(NS.DAV, 'error', [el(NS.CALDAV, 'no-uid-conflict', [d('href', href.object(ctx.user.username, err.conflictName))]), el('http://tandem.invalid/ns/', 'message', err.message)]));
    e.body = () => body;
  }
  return e;
}

/** The ETag an If-Match header names (`*` kept), or undefined. */
function ifMatch(ctx: DavCtx): string | undefined {
  const raw = ctx.req.headers['if-match'];
  if (raw === undefined) return undefined;
  return String(raw).trim().replace(/^W\//, '');
}

function objectName(ctx: DavCtx): string {
  if (ctx.target.kind !== 'object') {
    if (ctx.req.method === 'GET' || ctx.req.method === 'HEAD') throw new DavError(405, 'Collections have no content; use PROPFIND');
    throw new DavError(405, `${ctx.req.method} works on calendar objects only`);
  }
  return ctx.target.name;
}

/** GET/HEAD of a calendar object: the event as one VCALENDAR, with the same ETag as REST; If-None-Match → 304. */
export async function handleGet(ctx: DavCtx) {
  const o = await objectFor(ctx, objectName(ctx));
  if (!o) throw new DavError(404, 'No such calendar object');
  const inm = ctx.req.headers['if-none-match'];
  ctx.reply.header('etag', o.etag).header('last-modified', new Date(o.row.updated_at).toUTCString());
  if (typeof inm === 'string' && inm.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === o.etag || t === '*')) {
    return ctx.reply.status(304).send();
  }
  return ctx.reply.status(200).header('content-type', 'text/calendar; charset=utf-8').send(objectText(o.row));
}

/** PUT of a calendar object: create (If-None-Match: *) or replace (If-Match), through the event services. */
export async function handlePut(ctx: DavCtx) {
  const name = objectName(ctx);
  const inm = ctx.req.headers['if-none-match'];
  try {
    const res = await ctx.c.davWrite.put(ctx.user.userId, name, bodyText(ctx.req), {
      ifMatch: ifMatch(ctx), ifNoneMatch: typeof inm === 'string' && inm.trim() === '*', ip: ctx.req.ip,
    });
    if (res.identical) ctx.reply.header('etag', res.object.etag);
    if (res.conflicts.length) ctx.reply.header('x-tandem-conflicts', String(res.conflicts.length));
    return ctx.reply.status(res.created ? 201 : 204).send();
  } catch (err) {
    if (err instanceof DavPreconditionError) throw refusal(ctx, err);
    if (err instanceof AppError && err.code === 'PRECONDITION_FAILED') throw new DavError(412, err.message);
    throw err;
  }
}

/** DELETE: the owner deletes the event (restorable); anyone else leaves it. */
export async function handleDelete(ctx: DavCtx) {
  const name = objectName(ctx);
  try {
    if (!(await ctx.c.davWrite.remove(ctx.user.userId, name, { ifMatch: ifMatch(ctx), ip: ctx.req.ip }))) throw new DavError(404, 'No such calendar object');
  } catch (err) {
    if (err instanceof AppError && err.code === 'PRECONDITION_FAILED') throw new DavError(412, err.message);
    throw err;
  }
  return ctx.reply.status(204).send();
}
