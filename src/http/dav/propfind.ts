import { AppError } from '../../domain/errors.js';
import type { DavObject } from '../../services/dav.service.js';
import { bodyText, depthOf, sendMultistatus, xmlBody, type DavCtx } from './context.js';
import { DavError } from './errors.js';
import { davResourceCtx, objectFor } from './resources.js';
import { multistatus, propNames, propResponse, type PropName } from './multistatus.js';
import { href } from './paths.js';
import { resolveProps, type DavResource } from './props.js';
import { child, d, is, NS, el, type OutEl } from './xml.js';
import { timezoneFromProperty } from './calendar-data.js';
import { fileResponses } from './file-props.js';

/** The resource a target names, with its children for Depth 1. */
async function resourcesOf(ctx: DavCtx, depth: '0' | '1'): Promise<DavResource[]> {
  const u = ctx.user.username;
  const t = ctx.target;
  switch (t.kind) {
    case 'root':
      return [{ kind: 'root', href: href.root() }, ...(depth === '1' ? [{ kind: 'principals', href: href.principals() } as const, { kind: 'home', href: href.home(u) } as const] : [])];
    case 'principals':
      return [{ kind: 'principals', href: href.principals() }, ...(depth === '1' ? [{ kind: 'principal', href: href.principal(u) } as const] : [])];
    case 'principal':
      return [{ kind: 'principal', href: href.principal(u) }];
    case 'home':
      return [{ kind: 'home', href: href.home(u) }, ...(depth === '1' ? [{ kind: 'collection', href: href.collection(u) } as const] : [])];
    case 'collection': {
      const self: DavResource = { kind: 'collection', href: href.collection(u) };
      if (depth === '0') return [self];
      const objs = await ctx.c.dav.objects(ctx.user.userId);
      return [self, ...objs.map((o: DavObject) => ({ kind: 'object' as const, href: href.object(u, o.name), obj: o }))];
    }
    case 'object': {
      const o = await objectFor(ctx, t.name);
      if (!o) throw new DavError(404, 'No such calendar object');
      return [{ kind: 'object', href: href.object(u, o.name), obj: o }];
    }
    default:
      throw new DavError(404, 'No such resource');
  }
}

/** PROPFIND (RFC 4918 §9.1): Depth 0 or 1; an empty body means allprop; unknown properties → 404 propstat. */
export async function handlePropfind(ctx: DavCtx) {
  const depth = depthOf(ctx.req, '0');
  if (depth === 'infinity') throw new DavError(403, 'Depth: infinity is not supported', { ns: NS.DAV, name: 'propfind-finite-depth' });
  const body = xmlBody(ctx.req);
  let names: PropName[] | 'allprop' | 'propname' = 'allprop';
  let include: PropName[] = [];
  if (body) {
    if (!is(body, NS.DAV, 'propfind')) throw new DavError(400, 'Expected a DAV:propfind body');
    const prop = child(body, NS.DAV, 'prop');
    if (prop) names = propNames(prop);
    else if (child(body, NS.DAV, 'propname')) names = 'propname';
    else if (child(body, NS.DAV, 'allprop')) include = propNames(child(body, NS.DAV, 'include'));
    else throw new DavError(400, 'DAV:propfind needs prop, propname or allprop');
  }
  const resources = await resourcesOf(ctx, depth);
  const pctx = davResourceCtx(ctx, null);
  const responses: OutEl[] = [];
  for (const r of resources) {
    const { found, missing } = await resolveProps(pctx, r, names, include);
    responses.push(propResponse(r.href, found, [{ code: 404, props: missing }]));
  }
  // The home also lists the user's plain WebDAV folders and files next to the calendar.
  if (ctx.target.kind === 'home' && depth === '1') responses.push(...(await fileResponses(ctx, await ctx.c.davFiles.children(ctx.user.userId, []), names)));
  return sendMultistatus(ctx.reply, multistatus(responses));
}

const SETTABLE = new Set([`${NS.CALDAV}|calendar-timezone`, `${NS.CALDAV}|calendar-timezone-id`]);

/**
 * PROPPATCH (RFC 4918 §9.2), all or nothing: on the collection, calendar-timezone (a VCALENDAR with
 * one VTIMEZONE) and calendar-timezone-id are settable; any other property is refused with 403
 * and the rest of the request then fails with 424.
 */
export async function handleProppatch(ctx: DavCtx) {
  const body = xmlBody(ctx.req);
  if (!body || !is(body, NS.DAV, 'propertyupdate')) throw new DavError(400, 'Expected a DAV:propertyupdate body');
  const t = ctx.target;
  if (t.kind === 'object' && !(await objectFor(ctx, t.name))) throw new DavError(404, 'No such calendar object');
  const ops: { set: boolean; prop: PropName; value: string }[] = [];
  for (const op of body.children) {
    if (op.ns !== NS.DAV || (op.name !== 'set' && op.name !== 'remove')) continue;
    for (const p of child(op, NS.DAV, 'prop')?.children ?? []) ops.push({ set: op.name === 'set', prop: { ns: p.ns, name: p.name }, value: p.text });
  }
  let zone: string | null = null;
  const refused = ops.filter((o) => {
    if (t.kind !== 'collection' || !SETTABLE.has(`${o.prop.ns}|${o.prop.name}`)) return true;
    if (!o.set) return false; // removing resets to the default
    const tz = o.prop.name === 'calendar-timezone' ? timezoneFromProperty(o.value) : o.value.trim();
    if (!tz) return true;
    zone = tz;
    return false;
  });
  const href0 = bodyText(ctx.req) && ctx.req.url.split('?')[0];
  if (refused.length) {
    const ok = ops.filter((o) => !refused.includes(o)).map((o) => o.prop);
    return sendMultistatus(ctx.reply, multistatus([propResponse(href0, [], [{ code: 403, props: refused.map((o) => o.prop) }, { code: 424, props: ok }])]));
  }
  const removes = ops.some((o) => !o.set);
  try {
    if (zone || removes) await ctx.c.dav.setTimezone(ctx.user.userId, zone ?? 'UTC', ctx.req.ip);
  } catch (err) {
    if (err instanceof AppError && err.code === 'VALIDATION_ERROR') {
      return sendMultistatus(ctx.reply, multistatus([propResponse(href0, [], [{ code: 403, props: ops.map((o) => o.prop) }])]));
    }
    throw err;
  }
  return sendMultistatus(ctx.reply, multistatus([propResponse(href0, ops.map((o) => el(o.prop.ns, o.prop.name)))]));
}

export { d };
