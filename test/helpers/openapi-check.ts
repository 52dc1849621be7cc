import { appendFileSync, readFileSync } from 'node:fs';
import { decode } from '@msgpack/msgpack';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/*
 * Checks every response the integration suite receives against the OpenAPI document the app
 * serves: the status must be documented for the operation, the body must match that status's
 * schema for the response's media type, and every header the document marks required must be
 * there. One checker per process (compiled once, validators cached per operation/status/media).
 *
 * Routes outside `/api` that the document does not describe (CalDAV under /dav, iCalendar feeds,
 * static files, /docs) are skipped; an `/api` route the document lacks is a mismatch.
 *
 * Requests the service accepted (status < 400) are checked too: a required parameter the client
 * may omit, or a body shape the document rejects, is a mismatch of the document.
 *
 * OPENAPI_CHECK=count records mismatches (one line each, to OPENAPI_CHECK_LOG) instead of failing.
 */

type Json = Record<string, any>;
// ajv-formats is CommonJS: its function is the default export under NodeNext, or its `.default`.
const formatsModule = addFormatsModule as unknown as { default?: (ajv: Ajv) => Ajv };
const addFormats = (formatsModule.default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export interface ObservedResponse {
  method: string;
  /** The request URL as sent (path and query). */
  url: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
  /** The request as sent: checked against the document when the service accepted it (status < 400). */
  request?: { body?: unknown; contentType?: string; query?: Record<string, unknown> };
}

interface Operation {
  method: string;
  path: string;
  regex: RegExp;
  literals: number;
  op: Json;
  pointer: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function templateRegex(path: string, param: RegExp): { regex: RegExp; literals: number } {
  const segments = path.split('/').filter(Boolean);
  let literals = 0;
  const body = segments
    .map((s) => {
      if (param.test(s)) return '[^/]+';
      literals++;
      return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^/${body}/?$`), literals };
}

function baseType(contentType: unknown): string {
  return String(contentType ?? '').split(';')[0].trim().toLowerCase();
}

function describeErrors(v: ValidateFunction): string {
  return (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`).join('; ');
}

const FORM = 'application/x-www-form-urlencoded';

/** A query or path value as Fastify's Ajv coerces it (`coerceTypes: 'array'`). */
function coerce(value: unknown, schema: Json): unknown {
  if (Array.isArray(value)) return value.map((x) => coerce(x, schema.items ?? {}));
  if (typeof value !== 'string') return value;
  if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (schema.type === 'array') return [coerce(value, schema.items ?? {})];
  return value;
}

export class OpenApiChecker {
  private readonly ajv: Ajv;
  private readonly ops: Operation[] = [];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'openapi.json');
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const { regex, literals } = templateRegex(path, /^\{[^}]+\}$/);
        this.ops.push({ method: method.toUpperCase(), path, regex, literals, op, pointer: `#/paths/${escapePointer(path)}/${method}` });
      }
    }
  }

  /** The documented operation for a request, the most literal path first (`/events/conflicts` before `/events/{id}`). */
  find(method: string, path: string): Operation | undefined {
    const m = method === 'HEAD' ? 'GET' : method;
    let best: Operation | undefined;
    for (const o of this.ops) {
      if (o.method !== m || !o.regex.test(path)) continue;
      if (!best || o.literals > best.literals) best = o;
    }
    return best;
  }

  /** A node and its JSON pointer, following a `$ref` to a component (responses, headers). */
  private deref(node: Json, pointer: string): { node: Json; pointer: string } {
    for (let i = 0; i < 5 && typeof node?.$ref === 'string'; i++) {
      pointer = node.$ref as string;
      node = pointer.slice(2).split('/').reduce((n: Json, k) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    }
    return { node, pointer };
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.cache.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `openapi.json${pointer}` });
      this.cache.set(pointer, v);
    }
    return v;
  }

  /**
   * Every way a response disagrees with the document, each naming the operation, status and path.
   * `registered` (the app's own routes, `:param` style) tells an undocumented route from a 404 for
   * a path no route serves.
   */
  check(r: ObservedResponse, registered?: { method: string; url: string }[]): string[] {
    const path = r.url.split('?')[0];
    if (r.method === 'OPTIONS') return []; // CORS preflight, answered by @fastify/cors for any path
    const op = this.find(r.method, path);
    const where = `${r.method} ${path} → ${r.status}`;
    if (!op) {
      if (!path.startsWith('/api/') && path !== '/api') return [];
      const served = registered?.some((route) => {
        const m = r.method === 'HEAD' ? 'GET' : r.method;
        return route.method === m && templateRegex(route.url, /^(:.+|\*)$/).regex.test(path);
      });
      // A URL the router cannot even decode gets 400 BAD_REQUEST in the envelope before routing.
      if (!served && r.status === 400) {
        const envelope = ['Error400', 'ErrorResponse'].find((n) => this.doc.components?.schemas?.[n]);
        return envelope ? this.checkBody(`#/components/schemas/${envelope}`, r, `${where} (undecodable URL)`) : [];
      }
      if (served || r.status !== 404) return [`${where}: no operation in the OpenAPI document for ${r.method} ${path} (every /api route must be documented)`];
      // No route serves this path: the not-found handler's envelope.
      const envelope = ['Error404', 'ErrorResponse'].find((n) => this.doc.components?.schemas?.[n]);
      return envelope ? this.checkBody(`#/components/schemas/${envelope}`, r, `${where} (unknown route)`) : [];
    }
    const name = `${op.op.operationId ?? '(no operationId)'} ${op.method} ${op.path}`;
    const accepted = r.status < 400 ? this.checkRequest(op, path, r, `${name}: the service accepted a request the document calls invalid —`) : [];
    const responses = (op.op.responses ?? {}) as Json;
    const statusKey = String(r.status) in responses ? String(r.status) : `${String(r.status)[0]}XX` in responses ? `${String(r.status)[0]}XX` : 'default' in responses ? 'default' : null;
    if (!statusKey) {
      return [...accepted, `${name}: status ${r.status} is not documented (documented: ${Object.keys(responses).join(', ')}) — ${where}, body ${r.body.toString('utf8').slice(0, 200)}`];
    }
    const { node: resp, pointer: respPointer } = this.deref(responses[statusKey] as Json, `${op.pointer}/responses/${statusKey}`);
    const out: string[] = [...accepted];
    for (const [header, ref] of Object.entries((resp.headers ?? {}) as Record<string, Json>)) {
      const { node: spec, pointer: headerPointer } = this.deref(ref, `${respPointer}/headers/${escapePointer(header)}`);
      const value = r.headers[header.toLowerCase()];
      if (value === undefined) {
        if (spec.required) out.push(`${name} ${statusKey}: required header ${header} missing — ${where}`);
        continue;
      }
      if (!spec.schema) continue;
      const raw = Array.isArray(value) ? value[0] : String(value);
      const t = spec.schema.type;
      const typed = t === 'integer' || t === 'number' ? (raw.trim() === '' ? raw : Number(raw)) : raw;
      const v = this.validator(`${headerPointer}/schema`);
      if (!v(typed)) out.push(`${name} ${statusKey}: header ${header}: ${JSON.stringify(raw)} ${describeErrors(v)} — ${where}`);
    }
    const content = resp.content as Json | undefined;
    const empty = r.body.length === 0;
    if (!content) {
      if (!empty && r.method !== 'HEAD') out.push(`${name} ${statusKey}: documented without a body, but one was sent (${baseType(r.headers['content-type'])}) — ${where}`);
      return out;
    }
    if (r.method === 'HEAD') return out;
    const type = baseType(r.headers['content-type']);
    if (!(type in content)) {
      out.push(`${name} ${statusKey}: media type ${type || '(none)'} not documented (documented: ${Object.keys(content).join(', ')}) — ${where}`);
      return out;
    }
    if (!content[type].schema) return out;
    return out.concat(this.checkBody(`${respPointer}/content/${escapePointer(type)}/schema`, r, `${name} ${statusKey} ${type} — ${where}`));
  }

  /** Path and query parameters and the body of a request the service accepted, against the operation's parameters. */
  private checkRequest(op: Operation, path: string, r: ObservedResponse, label: string): string[] {
    const out: string[] = [];
    const params = (op.op.parameters ?? []) as Json[];
    const query = new URLSearchParams(r.url.includes('?') ? r.url.slice(r.url.indexOf('?') + 1) : '');
    for (const [k, v] of Object.entries(r.request?.query ?? {})) for (const x of [v].flat()) query.append(k, String(x));
    const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const values = new RegExp(op.regex.source.replace(/\[\^\/\]\+/g, '([^/]+)')).exec(path)?.slice(1) ?? [];
    params.forEach((p, i) => {
      const raw = p.in === 'path' ? values[names.indexOf(p.name)] : p.in === 'query' ? (query.has(p.name) ? query.getAll(p.name) : undefined) : undefined;
      if (p.in !== 'path' && p.in !== 'query') return;
      if (raw === undefined) {
        if (p.required) out.push(`${label} required ${p.in} parameter ${p.name} missing (${r.method} ${r.url})`);
        return;
      }
      const v = this.validator(`${op.pointer}/parameters/${i}/schema`);
      const one = Array.isArray(raw) ? (p.schema?.type === 'array' ? raw : raw[raw.length - 1]) : decodeURIComponent(raw);
      const value = coerce(one, p.schema ?? {});
      if (!v(value)) out.push(`${label} ${p.in} parameter ${p.name}=${JSON.stringify(one)}: ${describeErrors(v)}`);
    });
    const body = r.request?.body;
    const content = op.op.requestBody?.content as Json | undefined;
    if (body === undefined || body === null || body === '' || !content) return out;
    const type = baseType(r.request?.contentType) || 'application/json';
    if (!(type in content)) {
      out.push(`${label} request media type ${type} not documented (documented: ${Object.keys(content).join(', ')})`);
      return out;
    }
    let value: unknown = body;
    try {
      if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
        const buf = Buffer.from(body);
        value = type.includes('msgpack') ? decode(buf) : type === FORM ? Object.fromEntries(new URLSearchParams(buf.toString('utf8'))) : JSON.parse(buf.toString('utf8'));
      } else if (typeof body === 'string') {
        value = type === FORM ? Object.fromEntries(new URLSearchParams(body)) : JSON.parse(body);
      }
    } catch {
      return out; // not parsable: the service would not have accepted it through this operation
    }
    const v = this.validator(`${op.pointer}/requestBody/content/${escapePointer(type)}/schema`);
    if (!v(value)) out.push(`${label} request body (${type}): ${describeErrors(v)}; body ${JSON.stringify(value).slice(0, 300)}`);
    return out;
  }

  private checkBody(pointer: string, r: ObservedResponse, label: string): string[] {
    const type = baseType(r.headers['content-type']);
    let value: unknown;
    try {
      if (type === 'application/x-msgpack' || type === 'application/msgpack') value = decode(r.body);
      else if (type === 'application/json') value = JSON.parse(r.body.toString('utf8'));
      else value = r.body.toString('utf8');
    } catch {
      return [`${label}: body is not valid ${type}`];
    }
    const v = this.validator(pointer);
    if (v(value)) return [];
    return [`${label}: body does not match the schema: ${describeErrors(v)}; body ${JSON.stringify(value).slice(0, 300)}`];
  }
}

let checker: OpenApiChecker | undefined;

/** The process's one checker, compiled from the first document it is given. */
export function checkerFor(doc: Json): OpenApiChecker {
  // OPENAPI_CHECK_DOC=<file> checks against another document (e.g. an older one, to count its mismatches).
  const other = process.env.OPENAPI_CHECK_DOC;
  checker ??= new OpenApiChecker(other ? (JSON.parse(readFileSync(other, 'utf8')) as Json) : doc);
  return checker;
}

/** The checker once one was built in this process (by `startTestApp` or `call`). */
export function currentChecker(): OpenApiChecker | undefined {
  return checker;
}

/** Fails (throws) on any mismatch, or records them when OPENAPI_CHECK=count. */
export function enforce(mismatches: string[]): void {
  if (process.env.OPENAPI_CHECK === 'count') {
    const log = process.env.OPENAPI_CHECK_LOG;
    // One line per checked response: "ok", or its mismatches joined.
    if (log) appendFileSync(log, (mismatches.length ? `MISMATCH ${mismatches.join(' | ').replace(/\n/g, ' ')}` : 'ok') + '\n');
    return;
  }
  if (mismatches.length === 0) return;
  throw new Error(`Response does not match the OpenAPI document:\n  ${mismatches.join('\n  ')}`);
}
