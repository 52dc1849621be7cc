/**
 * Plain WebDAV files and folders below the calendar home (RFC 4918 class 1): GET/HEAD, PUT, DELETE,
 * MKCOL, COPY and MOVE, over the dav-files service. PROPFIND and PROPPATCH are in file-props.ts.
 */
import type { DavCtx } from './context.js';
import { DavError } from './errors.js';
import { hrefPath, parseDavPath } from './paths.js';
import { handleFilePropfind, handleFileProppatch } from './file-props.js';

type FileTarget = { kind: 'file'; user: string; segs: string[]; trailing: boolean };

const target = (ctx: DavCtx) => ctx.target as FileTarget;

function rawBody(ctx: DavCtx): Buffer {
  const b = ctx.req.body;
  if (Buffer.isBuffer(b)) return b;
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  return Buffer.alloc(0);
}

async function get(ctx: DavCtx) {
  const f = await ctx.c.davFiles.read(ctx.user.userId, target(ctx).segs);
  if (!f) throw new DavError(404, 'No such resource');
  if (f.is_collection) throw new DavError(405, 'Collections have no content; use PROPFIND');
  ctx.reply.header('etag', f.etag).header('last-modified', new Date(f.updated_at).toUTCString());
  const inm = ctx.req.headers['if-none-match'];
  if (typeof inm === 'string' && inm.split(',').map((t) => t.trim()).some((t) => t === f.etag || t === '*')) return ctx.reply.status(304).send();
  return ctx.reply.status(200).header('content-type', f.content_type ?? 'application/octet-stream').send(f.content ?? Buffer.alloc(0));
}

async function put(ctx: DavCtx) {
  const t = target(ctx);
  if (t.trailing) throw new DavError(405, 'PUT names a file, not a collection');
  const inm = ctx.req.headers['if-none-match'];
  const im = ctx.req.headers['if-match'];
  const ct = ctx.req.headers['content-type'];
  const res = await ctx.c.davFiles.put(ctx.user.userId, t.segs, rawBody(ctx), typeof ct === 'string' ? ct : null, {
    ifNoneMatch: typeof inm === 'string' && inm.trim() === '*',
    ifMatch: typeof im === 'string' ? im.trim() : undefined,
  });
  return ctx.reply.status(res.created ? 201 : 204).header('etag', res.etag).send();
}

async function remove(ctx: DavCtx) {
  if (!(await ctx.c.davFiles.remove(ctx.user.userId, target(ctx).segs))) throw new DavError(404, 'No such resource');
  return ctx.reply.status(204).send();
}

async function mkcol(ctx: DavCtx) {
  const body = ctx.req.body;
  const length = Buffer.isBuffer(body) || typeof body === 'string' ? body.length : 0;
  if (length > 0) throw new DavError(415, 'MKCOL with a request body is not supported');
  await ctx.c.davFiles.mkcol(ctx.user.userId, target(ctx).segs);
  return ctx.reply.status(201).send();
}

/** The store path a Destination header names; 400 when missing or malformed, 403 outside the caller's folders. */
function destination(ctx: DavCtx): string[] {
  const raw = ctx.req.headers.destination;
  if (typeof raw !== 'string' || !raw.trim()) throw new DavError(400, 'COPY and MOVE need a Destination header');
  const path = hrefPath(raw);
  if (!path) throw new DavError(400, 'The Destination header is not a URL');
  const t = parseDavPath(path);
  if (t.kind !== 'file' || t.user.toLowerCase() !== ctx.user.username.toLowerCase()) throw new DavError(403, 'The destination must be one of your WebDAV folders');
  return t.segs;
}

async function transfer(ctx: DavCtx, move: boolean) {
  const to = destination(ctx);
  const ow = String(ctx.req.headers.overwrite ?? 'T').trim().toUpperCase();
  if (ow !== 'T' && ow !== 'F') throw new DavError(400, 'Overwrite must be T or F');
  const depth = String(ctx.req.headers.depth ?? 'infinity').trim().toLowerCase();
  if (depth !== 'infinity' && (move || depth !== '0')) throw new DavError(400, move ? 'MOVE works with Depth: infinity only' : 'COPY takes Depth 0 or infinity');
  const res = await ctx.c.davFiles.transfer(ctx.user.userId, target(ctx).segs, to, { move, overwrite: ow === 'T', shallow: depth === '0' });
  return ctx.reply.status(res.created ? 201 : 204).send();
}

/** Dispatches a request on a plain file or folder. */
export function handleFile(ctx: DavCtx) {
  switch (ctx.req.method) {
    case 'GET': case 'HEAD': return get(ctx);
    case 'PUT': return put(ctx);
    case 'DELETE': return remove(ctx);
    case 'MKCOL': return mkcol(ctx);
    case 'COPY': return transfer(ctx, false);
    case 'MOVE': return transfer(ctx, true);
    case 'PROPFIND': return handleFilePropfind(ctx);
    case 'PROPPATCH': return handleFileProppatch(ctx);
    default: throw new DavError(405, `${ctx.req.method} is not supported on WebDAV folders`);
  }
}
