/**
 * PROPFIND and PROPPATCH on plain WebDAV files and folders: live properties from the stored entry,
 * dead properties as the client set them (all or nothing per PROPPATCH, RFC 4918 §9.2).
 */
import type { DavFileMeta, DavPropRow, PropOp } from '../../services/dav-files.service.js';
import { depthOf, sendMultistatus, xmlBody, type DavCtx } from './context.js';
import { propElement, storeValue } from './dead-props.js';
import { DavError } from './errors.js';
import { multistatus, propNames, propResponse, type PropName } from './multistatus.js';
import { href } from './paths.js';
import { child, d, el, is, NS, type OutEl } from './xml.js';

type Wanted = PropName[] | 'allprop' | 'propname';

const LIVE: Record<string, (f: DavFileMeta) => OutEl | null> = {
  resourcetype: (f) => d('resourcetype', f.is_collection ? [d('collection')] : []),
  getcontentlength: (f) => (f.is_collection ? null : d('getcontentlength', String(f.size))),
  getcontenttype: (f) => (f.is_collection ? null : d('getcontenttype', f.content_type ?? 'application/octet-stream')),
  getetag: (f) => (f.is_collection ? null : d('getetag', f.etag)),
  getlastmodified: (f) => d('getlastmodified', new Date(f.updated_at).toUTCString()),
  creationdate: (f) => d('creationdate', new Date(f.created_at).toISOString()),
};

/** DAV: properties the server computes; a PROPPATCH of one is refused with 403. */
const PROTECTED = new Set([...Object.keys(LIVE), 'lockdiscovery', 'supportedlock', 'current-user-privilege-set', 'sync-token', 'owner', 'current-user-principal']);

/** The PROPFIND request's property selection; 400 for a body that is not a propfind. */
export function wantedOf(ctx: DavCtx): { names: Wanted; include: PropName[] } {
  const body = xmlBody(ctx.req);
  if (!body) return { names: 'allprop', include: [] };
  if (!is(body, NS.DAV, 'propfind')) throw new DavError(400, 'Expected a DAV:propfind body');
  const prop = child(body, NS.DAV, 'prop');
  if (prop) return { names: propNames(prop), include: [] };
  if (child(body, NS.DAV, 'propname')) return { names: 'propname', include: [] };
  if (child(body, NS.DAV, 'allprop')) return { names: 'allprop', include: propNames(child(body, NS.DAV, 'include')) };
  throw new DavError(400, 'DAV:propfind needs prop, propname or allprop');
}

function response(user: string, f: DavFileMeta, dead: DavPropRow[], names: Wanted): OutEl {
  const link = href.file(user, f.path.split('/'), !!f.is_collection);
  const live = Object.entries(LIVE).map(([n, g]) => [n, g(f)] as const).filter((x): x is [string, OutEl] => x[1] !== null);
  if (names === 'propname') {
    return propResponse(link, [...live.map(([n]) => d(n)), ...dead.map((p) => el(p.ns, p.name))]);
  }
  if (names === 'allprop') return propResponse(link, [...live.map(([, v]) => v), ...dead.map((p) => propElement(p.ns, p.name, p.value))]);
  const found: OutEl[] = [];
  const missing: PropName[] = [];
  for (const p of names) {
    const v = p.ns === NS.DAV ? LIVE[p.name]?.(f) : undefined;
    const dp = v ? undefined : dead.find((x) => x.ns === p.ns && x.name === p.name);
    if (v) found.push(v);
    else if (dp) found.push(propElement(dp.ns, dp.name, dp.value));
    else missing.push(p);
  }
  return propResponse(link, found, [{ code: 404, props: missing }]);
}

/** The PROPFIND responses of these entries of the caller's folders. */
export async function fileResponses(ctx: DavCtx, entries: DavFileMeta[], names: Wanted): Promise<OutEl[]> {
  const dead = names === 'allprop' || names === 'propname' || names.some((p) => p.ns !== NS.DAV || !LIVE[p.name])
    ? await ctx.c.davFiles.props(entries.map((e) => e.id))
    : new Map<number, DavPropRow[]>();
  return entries.map((f) => response(ctx.user.username, f, dead.get(f.id) ?? [], names));
}

/** PROPFIND on a file or folder: Depth 0 or 1. */
export async function handleFilePropfind(ctx: DavCtx) {
  const depth = depthOf(ctx.req, '0');
  if (depth === 'infinity') throw new DavError(403, 'Depth: infinity is not supported', { ns: NS.DAV, name: 'propfind-finite-depth' });
  const { names } = wantedOf(ctx);
  const segs = (ctx.target as { segs: string[] }).segs;
  const self = await ctx.c.davFiles.stat(ctx.user.userId, segs);
  if (!self) throw new DavError(404, 'No such resource');
  const entries = depth === '1' && self.is_collection ? [self, ...(await ctx.c.davFiles.children(ctx.user.userId, segs))] : [self];
  return sendMultistatus(ctx.reply, multistatus(await fileResponses(ctx, entries, names)));
}

/** PROPPATCH on a file or folder: dead properties, in document order, all or nothing. */
export async function handleFileProppatch(ctx: DavCtx) {
  const body = xmlBody(ctx.req);
  if (!body || !is(body, NS.DAV, 'propertyupdate')) throw new DavError(400, 'Expected a DAV:propertyupdate body');
  const segs = (ctx.target as { segs: string[] }).segs;
  const ops: PropOp[] = [];
  for (const op of body.children) {
    if (op.ns !== NS.DAV || (op.name !== 'set' && op.name !== 'remove')) continue;
    for (const p of child(op, NS.DAV, 'prop')?.children ?? []) ops.push({ set: op.name === 'set', ns: p.ns, name: p.name, value: op.name === 'set' ? storeValue(p) : '' });
  }
  if (!ops.length) throw new DavError(400, 'DAV:propertyupdate names no property');
  const refused = ops.filter((o) => o.ns === NS.DAV && PROTECTED.has(o.name));
  const link = ctx.req.url.split('?')[0].split('#')[0];
  const order = [...new Map(ops.map((o) => [`${o.ns}|${o.name}`, { ns: o.ns, name: o.name }])).entries()];
  let statuses: Map<string, number>;
  if (refused.length) {
    if (!(await ctx.c.davFiles.stat(ctx.user.userId, segs))) throw new DavError(404, 'No such resource');
    statuses = new Map(order.map(([k]) => [k, 424]));
    for (const o of refused) statuses.set(`${o.ns}|${o.name}`, 403);
  } else {
    const res = await ctx.c.davFiles.proppatch(ctx.user.userId, segs, ops);
    statuses = res.statuses;
    if (!res.ok) for (const [k, v] of statuses) if (v === 200) statuses.set(k, 424);
  }
  const byCode = new Map<number, PropName[]>();
  for (const [k, p] of order) {
    const code = statuses.get(k) ?? 424;
    if (!byCode.has(code)) byCode.set(code, []);
    byCode.get(code)!.push(p);
  }
  const ok = (byCode.get(200) ?? []).map((p) => el(p.ns, p.name));
  const failed = [...byCode.entries()].filter(([c]) => c !== 200).map(([code, props]) => ({ code, props }));
  return sendMultistatus(ctx.reply, multistatus([propResponse(link, ok, failed)]));
}
