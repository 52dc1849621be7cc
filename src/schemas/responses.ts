import { Type, type TSchema } from 'typebox';
import { ERROR_STATUS, type ErrorCode } from '../domain/errors.js';

/*
 * How an operation documents itself: `operation(method, {...})` takes the route's schema parts
 * (operationId, summary, params, querystring, body) plus its success responses and the errors
 * only it can send, and adds what every operation of its kind sends: 400 for bad input, 401 on
 * authenticated routes, 413/415 (and 400 for an unparsable body) on methods that take a body,
 * 429 and the X-RateLimit-* headers on rate-limited routes, 500 everywhere, both media types
 * (JSON and MessagePack), and the security requirement.
 *
 *   r.get('/api/things/:id', { schema: operation('GET', {
 *     operationId: 'getThing', tags: ['things'], summary: 'One thing', params: IdParam,
 *     success: { 200: ok('The thing', ThingSchema, { headers: ETAG }) }, errors: [404],
 *   }) }, handler);
 */

/** What the API speaks: every JSON body or response may be MessagePack instead (`Accept` / `Content-Type`). */
export const JSON_MEDIA = ['application/json', 'application/x-msgpack'] as const;
/** Request bodies: both MessagePack spellings are parsed. */
export const BODY_MEDIA = ['application/json', 'application/x-msgpack', 'application/msgpack'] as const;
export const FORM_MEDIA = 'application/x-www-form-urlencoded';

/** A response header as documented: `required` when every response of that status carries it. */
export interface HeaderSpec {
  schema: Record<string, unknown>;
  description: string;
  required?: boolean;
}
export type HeaderSet = Record<string, HeaderSpec>;

export const ETAG: HeaderSet = {
  ETag: { schema: { type: 'string', pattern: '^"v[0-9]+-[0-9a-f]+"$' }, description: 'Entity tag of this representation; send it back in If-Match (writes) or If-None-Match (reads)', required: true },
};
export const LOCATION: HeaderSet = {
  Location: { schema: { type: 'string' }, description: 'URL of the created resource', required: true },
};

function rateLimitHeaders(required: boolean): HeaderSet {
  return {
    'X-RateLimit-Limit': { schema: { type: 'integer', minimum: 0 }, description: 'Requests allowed per window', required },
    'X-RateLimit-Remaining': { schema: { type: 'integer', minimum: 0 }, description: 'Requests left in the current window', required },
    'X-RateLimit-Reset': { schema: { type: 'integer', minimum: 0 }, description: 'Seconds until the window resets', required },
  };
}

/** One documented response: a description, an optional body (null = none), headers, media types. */
export interface ResponseSpec {
  description: string;
  schema: TSchema | null;
  headers?: HeaderSet;
  media?: readonly string[];
}

/** A response with a body; `media` defaults to JSON and MessagePack. */
export function ok(description: string, schema: TSchema, opts: { headers?: HeaderSet; media?: readonly string[] } = {}): ResponseSpec {
  return { description, schema, ...opts };
}

/** A response without a body (204, 304). */
export function empty(description: string, headers?: HeaderSet): ResponseSpec {
  return { description, schema: null, headers };
}

const errorExtras = {
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), { description: 'One entry per bad field (400)' })),
  current_version: Type.Optional(Type.Integer({ description: 'The version the event is at (412)' })),
  reset_at: Type.Optional(Type.String({ format: 'date-time', description: 'When the rate limit window resets (429)' })),
  request_id: Type.Optional(Type.String({ description: 'Quote it when reporting the failure (500)' })),
  user_id: Type.Optional(Type.Integer({ description: 'The user the error is about (404 on sharing)' })),
  field: Type.Optional(Type.String({ description: 'The field that is already taken (409 on register)' })),
  conflicts: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), {
    description: '409: the overlapping events ({event_id, index, title, start_time, end_time}) or, for a three-way merge, the clashing fields ({field, base, theirs, yours})',
  })),
};

function codesFor(status: number): ErrorCode[] {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => ERROR_STATUS[c] === status);
}

/** Shared schema id of the error envelope for a status (`Error404`); registered by `errorSchemas()`. */
export const errorSchemaId = (status: number) => `Error${status}`;

/**
 * The error envelope `{detail: {code, message, ...}}` once per status, its `code` limited to the
 * codes of that status; register them with `app.addSchema` before any route refers to them.
 */
export function errorSchemas(): TSchema[] {
  const statuses = [...new Set(Object.values(ERROR_STATUS))].sort();
  return statuses.map((status) =>
    Type.Object(
      {
        detail: Type.Object(
          { code: Type.Enum(codesFor(status)), message: Type.String(), ...errorExtras },
          { additionalProperties: true },
        ),
      },
      { $id: errorSchemaId(status), description: `Error envelope (${status})` },
    ),
  );
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (VALIDATION_ERROR names each bad field) or a malformed request (BAD_REQUEST)',
  401: 'Missing, invalid, expired or revoked token',
  403: 'Your role on the event is too weak for this',
  404: 'Not found, or you hold no role on it',
  409: 'Conflicts with the current state',
  410: 'Gone',
  412: 'If-Match names another version (current_version tells which)',
  413: 'Request body over the size limit',
  415: 'Unsupported Content-Type',
  429: 'Rate limit exceeded; retry after Retry-After seconds',
  500: 'Unexpected failure; nothing is leaked, request_id identifies it in the logs',
  503: 'Not ready',
};

/** An error response in the envelope for `status`. */
export function error(status: number, description = ERROR_TEXT[status] ?? 'Error', headers?: HeaderSet): ResponseSpec {
  return { description, schema: Type.Unsafe({ $ref: `${errorSchemaId(status)}#` }), headers };
}

/** Who may call an operation: a bearer access token (default), anyone, or anyone and never rate-limited. */
export type Access = 'bearer' | 'public' | 'unlimited';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const BODY_METHODS = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OperationSpec {
  operationId: string;
  summary: string;
  tags: string[];
  description?: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** Request media types when not JSON/MessagePack (e.g. adding the login form). */
  consumes?: readonly string[];
  /** The body may be left out (documented `requestBody.required: false`). */
  bodyOptional?: boolean;
  access?: Access;
  /** Overrides the security requirement (alternatives), e.g. a refresh token or a query token. */
  security?: Record<string, string[]>[];
  success: Record<number, ResponseSpec>;
  /** The errors this operation sends beyond its kind's standard set (403, 404, 409, 410, 412, …). */
  errors?: (number | ResponseSpec & { status: number })[];
  hide?: boolean;
}

/** `Static`-preserving result: the route's own schema parts stay typed for the type provider. */
export type OperationSchema<S extends OperationSpec> = Omit<S, 'success' | 'errors' | 'access' | 'bodyOptional'> & {
  response: Record<number, unknown>;
  security: Record<string, string[]>[];
  consumes?: readonly string[];
};

function toFastify(spec: ResponseSpec, rateLimited: boolean, status: number): Record<string, unknown> {
  // The limiter's headers are set before validation, so every response that got that far has
  // them; errors raised earlier (unparsable or oversized bodies) do not.
  const always = (status >= 200 && status < 400) || status === 429;
  const headers: HeaderSet = {
    ...(rateLimited ? rateLimitHeaders(always) : {}),
    ...(status === 429 ? { 'Retry-After': { schema: { type: 'integer', minimum: 0 }, description: 'Seconds to wait before retrying', required: true } } : {}),
    ...spec.headers,
  };
  const out: Record<string, unknown> = { description: spec.description };
  if (Object.keys(headers).length) {
    // @fastify/swagger copies each entry into the header's schema; the swagger plugin moves
    // `required` and `description` up to the header object where OpenAPI wants them.
    out.headers = Object.fromEntries(Object.entries(headers).map(([k, h]) => [k, { ...h.schema, description: h.description, ...(h.required ? { 'x-required': true } : {}) }]));
  }
  if (spec.schema === null) {
    out.type = 'null';
    return out;
  }
  const media = spec.media ?? JSON_MEDIA;
  out.content = Object.fromEntries(media.map((m) => [m, { schema: spec.schema }]));
  return out;
}

/**
 * The complete schema of one operation: the route's own parts, its responses with the standard
 * errors of its kind, media types and security. See the top of this file.
 */
export function operation<S extends OperationSpec>(method: Method, spec: S): OperationSchema<S> {
  const { success, errors = [], access = 'bearer', security, bodyOptional, ...rest } = spec;
  const rateLimited = access !== 'unlimited';
  const takesBody = BODY_METHODS.has(method);
  const responses: Record<number, ResponseSpec> = { ...success };
  const add = (s: number, r: ResponseSpec = error(s)) => {
    responses[s] ??= r;
  };
  for (const e of errors) typeof e === 'number' ? add(e) : add(e.status, e);
  if (spec.params || spec.querystring || spec.body || takesBody) add(400);
  if (access === 'bearer') add(401);
  if (takesBody) {
    add(413);
    add(415);
  }
  if (rateLimited) add(429);
  add(500);
  // Any operation that reaches the database answers 503 while it is unreachable.
  add(503, { ...error(503), headers: { 'Retry-After': { schema: { type: 'integer', minimum: 0 }, description: 'Seconds to wait before retrying', required: true } } });
  const response: Record<number, unknown> = {};
  for (const s of Object.keys(responses).map(Number).sort((a, b) => a - b)) response[s] = toFastify(responses[s], rateLimited, s);
  return {
    ...rest,
    ...(takesBody ? { consumes: spec.consumes ?? BODY_MEDIA } : {}),
    ...(bodyOptional ? { 'x-body-optional': true } : {}),
    security: security ?? (access === 'bearer' ? [{ bearer: [] }] : []),
    response,
  } as OperationSchema<S>;
}
