/**
 * Hostile requests generated from the app itself: every registered route (so routes added later
 * are covered without touching this file), with parameter and body schemas from its OpenAPI
 * document. A generated write always carries at least one certain reason to be rejected.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import {
  hostileIds, hostileQueryValues, hostileString, injectionStrings, invalidBodies, resolve, sample, type JsonSchema,
} from './hostile-values.js';

export interface Operation {
  method: string;
  /** Fastify form: `/api/events/:id`. */
  url: string;
  params: { name: string; in: 'path' | 'query'; schema: JsonSchema; required: boolean }[];
  body: JsonSchema | null;
  /** Needs a bearer token (OpenAPI `security`, or under /api and not an auth entry point). */
  authenticated: boolean;
  /** Not a real route: a method the path does not have. */
  wrongMethod: boolean;
}

/** Fixtures the generator may name: real ids of the owner's events, the viewer's notifications… */
export interface World {
  tokens: { owner: string; viewer: string; stranger: string; refresh: string };
  userIds: { owner: number; viewer: number; stranger: number };
  eventIds: number[];
  notificationIds: number[];
  occurrenceKeys: string[];
  usernames: string[];
}

export type Actor = 'none' | 'garbage' | 'owner' | 'viewer' | 'stranger';

export interface HostileRequest {
  op: Operation;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** A certain reason this request must be rejected (writes always have one), or null for a read. */
  mustReject: string | null;
  actor: Actor;
  /** The path names a real event of the owner (a stranger must then get 404, a viewer no write). */
  realEvent: boolean;
  socket: boolean;
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_API = new Set(['/api/auth/register', '/api/auth/login', '/api/auth/refresh']);
/** Percent-encodes like encodeURIComponent; a lone surrogate goes out as its (ill-formed) UTF-8 bytes. */
export function encodeAny(s: string): string {
  try { return encodeURIComponent(s); } catch {
    return [...s].map((c) => { try { return encodeURIComponent(c); } catch { return '%ED%A0%80'; } }).join('');
  }
}

const toOpenApi = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every route the app registered, with its schemas, plus the methods each path does not have. */
export function discoverOperations(app: FastifyInstance): Operation[] {
  const doc = app.swagger() as JsonSchema;
  const ops: Operation[] = [];
  const byPath = new Map<string, Set<string>>();
  for (const r of app.routeList) {
    if (r.url === '*' || r.method === 'OPTIONS') continue;
    byPath.set(r.url, (byPath.get(r.url) ?? new Set()).add(r.method));
    const op = doc.paths?.[toOpenApi(r.url)]?.[r.method.toLowerCase()];
    const params = (op?.parameters ?? []).map((p: JsonSchema) => ({ name: p.name, in: p.in, schema: resolve(p.schema, doc), required: !!p.required }));
    for (const m of r.url.matchAll(/:([A-Za-z0-9_]+)/g)) {
      if (!params.some((p: { name: string }) => p.name === m[1])) params.push({ name: m[1], in: 'path', schema: { type: 'string' }, required: true });
    }
    if (r.url.endsWith('*')) params.push({ name: '*', in: 'path', schema: { type: 'string' }, required: true });
    const body = op?.requestBody?.content?.['application/json']?.schema;
    const authenticated = op ? !!op.security?.length : r.url.startsWith('/api/') && !PUBLIC_API.has(r.url);
    ops.push({ method: r.method, url: r.url, params, body: body ? resolve(body, doc) : null, authenticated, wrongMethod: false });
  }
  for (const [url, methods] of byPath) {
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      if (!methods.has(m) && url.startsWith('/api/')) ops.push({ method: m, url, params: [], body: null, authenticated: false, wrongMethod: true });
    }
  }
  return ops;
}

/** Whether a path value would be read (after the validator's coercion) as one of these integers. */
function coercesToOneOf(v: string, ints: number[]): boolean {
  let d: string;
  try { d = decodeURIComponent(v); } catch { return false; }
  const n = d.trim() === '' ? NaN : Number(d);
  return Number.isFinite(n) && ints.includes(n);
}

function realValues(name: string, op: Operation, w: World): string[] {
  if (name === 'id') return (op.url.startsWith('/api/notifications') ? w.notificationIds : w.eventIds).map(String);
  if (name === 'userId') return Object.values(w.userIds).map(String);
  if (name.startsWith('versionId')) return ['1', '2'];
  if (name === 'occurrence_start') return w.occurrenceKeys;
  return ['x'];
}

const traversal = ['../../../../etc/passwd', '..%2f..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/package.json', '....//....//etc/hosts', 'index.html%00.js', '%00', 'a'.repeat(3000)];

type BodyMode = 'json' | 'broken-json' | 'text' | 'xml' | 'form' | 'msgpack-garbage' | 'none' | 'empty-json';

/** An arbitrary hostile request for one operation. */
export function hostileRequest(op: Operation, w: World, doc: JsonSchema): fc.Arbitrary<HostileRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const paramArb = fc.tuple(...pathParams.map((p) => {
    if (p.name === '*') return fc.record({ v: fc.constantFrom(...traversal), hostile: fc.constant(true) });
    const real = realValues(p.name, op, w);
    return fc.oneof(
      { weight: 2, arbitrary: fc.record({ v: fc.constantFrom(...real), hostile: fc.constant(false) }) },
      { weight: 2, arbitrary: fc.record({ v: fc.constantFrom(...hostileIds, '1900-01-01T00:00:00Z', '2031-13-45T99:00:00Z'), hostile: fc.constant(true) }) },
      { weight: 1, arbitrary: hostileString.map((s) => ({ v: encodeAny(s).slice(0, 2000), hostile: true })) },
    );
  }));
  const queryArb = fc.dictionary(
    fc.constantFrom(...queryParams.map((p) => p.name), 'extra', '__proto__', 'token', 'a[b]', 'q'),
    fc.oneof(fc.constantFrom(...hostileQueryValues), hostileString.map((s) => s.slice(0, 3000))),
    { maxKeys: 3 },
  );
  const bodyArb = op.body ? invalidBodies(op.body, doc).map((m) => ({ ...m, certain: true })) : fc.constant({ body: undefined as unknown, what: '', certain: false });
  const modes: BodyMode[] = op.body ? ['json', 'json', 'json', 'json', 'broken-json', 'text', 'xml', 'form', 'msgpack-garbage', 'empty-json']
    : WRITE.has(op.method) ? ['none', 'none', 'broken-json', 'text', 'json'] : ['none', 'none', 'none', 'broken-json'];
  return fc.record({
    actor: fc.constantFrom<Actor>('none', 'garbage', 'owner', 'owner', 'viewer', 'stranger'),
    params: paramArb,
    query: queryArb,
    body: bodyArb,
    mode: fc.constantFrom(...modes),
    accept: fc.constantFrom('application/json', 'application/json', 'application/x-msgpack', '*/*', 'text/html'),
    extraHeaders: fc.subarray([['if-match', '"bogus"'], ['if-none-match', 'W/"x"'], ['x-forwarded-for', '1.2.3.4, 127.0.0.1'], ['upgrade', 'websocket'], ['content-encoding', 'gzip']] as const, { maxLength: 2 }),
    pick: fc.nat(),
    socket: fc.integer({ min: 0, max: 9 }).map((x) => x < 3),
    garbageToken: fc.constantFrom('x', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', 'Bearer', w.tokens.refresh, 'a'.repeat(5000), "' OR 1=1 --"),
  }).map((g) => build(op, w, g, pathParams.map((p) => p.name)));
}

const pick = <T>(i: number, xs: T[]): T => xs[i % xs.length];

function build(op: Operation, w: World, g: any, names: string[]): HostileRequest {
  const reasons: string[] = [];
  let url = op.url;
  let realEvent = false;
  names.forEach((name, i) => {
    const { v, hostile } = g.params[i] as { v: string; hostile: boolean };
    url = name === '*' ? url.replace('*', v) : url.replace(`:${name}`, v);
    const real = realValues(name, op, w).map(Number).filter(Number.isFinite);
    if (hostile && !coercesToOneOf(v, real) && name !== 'occurrence_start') reasons.push(`hostile ${name}=${v.slice(0, 40)}`);
    if (name === 'occurrence_start' && hostile) reasons.push(`hostile occurrence ${v.slice(0, 40)}`);
    if (name === 'id' && !hostile && op.url.startsWith('/api/events/')) realEvent = true;
  });
  const qs = Object.entries(g.query as Record<string, string>).map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`).join('&');
  if (qs) url += `?${qs}`;
  const headers: Record<string, string> = { accept: g.accept };
  for (const [k, v] of g.extraHeaders as [string, string][]) headers[k] = v;
  if (op.wrongMethod) reasons.push('wrong method');
  let actor: Actor = g.actor;
  const token = () => ({ garbage: g.garbageToken, owner: w.tokens.owner, viewer: w.tokens.viewer, stranger: w.tokens.stranger, none: '' }[actor]);
  if (op.authenticated && (actor === 'none' || actor === 'garbage')) reasons.push(`no valid token (${actor})`);
  if (op.authenticated && actor === 'stranger' && realEvent) reasons.push('stranger on a real event');
  const viewerSelfRemoval = op.method === 'DELETE' && op.url.endsWith('/permissions/:userId') && url.includes(`/permissions/${w.userIds.viewer}`);
  if (op.authenticated && actor === 'viewer' && realEvent && WRITE.has(op.method) && !viewerSelfRemoval) reasons.push('viewer writing');
  if (op.authenticated && actor === 'stranger' && op.url.startsWith('/api/notifications/:id')) reasons.push("stranger on another's notification");
  let payload: string | Buffer | undefined;
  const mode: BodyMode = g.mode;
  const write = WRITE.has(op.method);
  // Bodies are parsed on writes only; text/plain has a parser, so it is wrong only where an object is required.
  const withBody = mode !== 'none';
  if (mode === 'json') payload = safeJson(g.body.body);
  if (mode === 'json' && op.body && write) reasons.push(`body: ${g.body.what}`);
  if (mode === 'empty-json') payload = '';
  if (mode === 'broken-json') { payload = pick(g.pick, ['{"title": "x"', '{"a":1}}', "{'a':1}", '\u0000', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"x": 1}}}', '['.repeat(10000), 'nul', '{"a":"\\ud800"']); if (write) reasons.push('broken JSON'); }
  if (mode === 'text') { payload = pick(g.pick, injectionStrings); if (write && op.body) reasons.push('text/plain body'); }
  if (mode === 'xml') { payload = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'; if (write && op.body) reasons.push('XML body'); }
  if (mode === 'form') payload = 'title=%00&start_time=now&username=a&password=b&extra=1';
  if (mode === 'msgpack-garbage') { payload = Buffer.from([0xc1, 0xff, 0x00, 0xde, 0xad]); if (write) reasons.push('broken MessagePack'); }
  if (withBody) {
    headers['content-type'] = { json: 'application/json', 'empty-json': 'application/json', 'broken-json': 'application/json', text: 'text/plain', xml: 'application/xml', form: 'application/x-www-form-urlencoded', 'msgpack-garbage': 'application/x-msgpack', none: '' }[mode];
  }
  // A write must be certain to fail: without a reason yet, take the caller's credentials away.
  if (write && !reasons.length) {
    if (op.authenticated) { actor = 'garbage'; reasons.push('no valid token (forced)'); }
    else { payload = '{"broken": '; headers['content-type'] = 'application/json'; reasons.push('broken JSON (forced)'); }
  }
  const t = token();
  if (t) headers.authorization = actor === 'garbage' && t === 'Bearer' ? 'Bearer' : `Bearer ${t}`;
  // The web client's fallback (GET /*) answers any page path with the client's own index.html: a
  // harmless read of a public page, never a reason to reject.
  const spaRead = !write && op.url === '/*' && !op.wrongMethod;
  return { op, method: op.method, url, headers, payload, mustReject: write ? reasons.join('; ') : reasons.length && !spaRead ? reasons.join('; ') : null, actor, realEvent, socket: g.socket };
}


/** JSON text of a value; a deeply nested value is serialized by hand (JSON.stringify would recurse). */
function safeJson(v: unknown): string {
  try { return JSON.stringify(v) ?? 'null'; } catch { return '[[[[[[[[[[]]]]]]]]]]'; }
}

export { sample };
