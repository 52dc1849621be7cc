import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DOCUMENTED_AS } from '../../schemas/documented.js';

type Json = Record<string, any>;

/** A copy of a route schema with each loosely validated node replaced by what it documents (see documented.ts). */
function documentedForm(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(documentedForm);
  if (!node || typeof node !== 'object') return node;
  const o = node as Json;
  if (o[DOCUMENTED_AS]) return documentedForm(o[DOCUMENTED_AS]);
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[k] = documentedForm(v);
  return out;
}

/**
 * Markers the schema helpers leave (responses.ts) moved to where OpenAPI wants them: a header's
 * `required` on the header object, an optional body as `requestBody.required: false`.
 */
function liftMarkers(doc: Json): Json {
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const op of Object.values(item as Json) as Json[]) {
      if (op['x-body-optional']) {
        if (op.requestBody) op.requestBody.required = false;
        delete op['x-body-optional'];
      }
      for (const resp of Object.values((op.responses ?? {}) as Json)) {
        for (const header of Object.values(((resp as Json).headers ?? {}) as Json)) {
          const h = header as Json;
          if (h.schema?.['x-required']) {
            h.required = true;
            delete h.schema['x-required'];
          }
        }
      }
    }
  }
  return doc;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Moves each request and response body schema (and every schema with a `title`) into
 * `components.schemas` and refers to it: one copy per shape instead of one per media type and
 * operation, and named types for generated clients. A body is named by its `title`, else after its
 * operation (`CreateEventBody`, `GetEvent200`); identical shapes share the first name.
 */
function hoistBodies(doc: Json): Json {
  const schemas = (doc.components.schemas ??= {}) as Json;
  const byShape = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) byShape.set(JSON.stringify(schema), name);
  const hoist = (schema: Json, fallback: string): Json => {
    if (!schema || schema.$ref) return schema;
    const inner = hoistTitled(schema);
    const shape = JSON.stringify(inner);
    let name = byShape.get(shape);
    if (!name) {
      name = (inner.title as string | undefined) ?? fallback;
      for (let i = 2; name in schemas; i++) name = `${inner.title ?? fallback}${i}`;
      schemas[name] = inner;
      byShape.set(shape, name);
    }
    return { $ref: `#/components/schemas/${name}` };
  };
  const hoistTitled = (node: Json): Json => {
    const walk = (n: unknown, top: boolean): unknown => {
      if (Array.isArray(n)) return n.map((x) => walk(x, false));
      if (!n || typeof n !== 'object') return n;
      const o = n as Json;
      if (!top && typeof o.title === 'string' && !o.$ref) return hoist(o, o.title);
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v, false)]));
    };
    return walk(node, true) as Json;
  };
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const op of Object.values(item as Json) as Json[]) {
      const id = pascal(String(op.operationId ?? 'Operation'));
      for (const media of Object.values((op.requestBody?.content ?? {}) as Json)) if ((media as Json).schema) (media as Json).schema = hoist((media as Json).schema, `${id}Body`);
      for (const [status, resp] of Object.entries((op.responses ?? {}) as Json)) {
        for (const media of Object.values(((resp as Json).content ?? {}) as Json)) {
          const m = media as Json;
          // Plain strings (text/plain metrics) stay inline.
          if (m.schema && (m.schema.type === 'object' || m.schema.type === 'array' || m.schema.anyOf || m.schema.oneOf)) m.schema = hoist(m.schema, `${id}${status}`);
        }
      }
    }
  }
  return doc;
}

/** Each distinct response header once in `components.headers` (`XRateLimitLimit`, `XRateLimitLimitIfSent`, …). */
function hoistHeaders(doc: Json): Json {
  const headers = (doc.components.headers ??= {}) as Json;
  const byShape = new Map<string, string>();
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const op of Object.values(item as Json) as Json[]) {
      for (const resp of Object.values((op.responses ?? {}) as Json) as Json[]) {
        for (const [key, h] of Object.entries((resp.headers ?? {}) as Json)) {
          const shape = JSON.stringify(h);
          let name = byShape.get(shape);
          if (!name) {
            const base = key.replace(/[^A-Za-z0-9]/g, '') + ((h as Json).required ? '' : 'IfSent');
            name = base;
            for (let i = 2; name in headers; i++) name = `${base}${i}`;
            headers[name] = h;
            byShape.set(shape, name);
          }
          resp.headers[key] = { $ref: `#/components/headers/${name}` };
        }
      }
    }
  }
  return doc;
}

/** Error responses shared by many operations once in `components.responses` (`Error404`, `Error429`, …). */
function hoistErrorResponses(doc: Json): Json {
  const responses = (doc.components.responses ??= {}) as Json;
  const byShape = new Map<string, string>();
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const op of Object.values(item as Json) as Json[]) {
      for (const [status, resp] of Object.entries((op.responses ?? {}) as Json)) {
        if (Number(status) < 400) continue;
        const shape = JSON.stringify(resp);
        let name = byShape.get(shape);
        if (!name) {
          name = `Error${status}`;
          for (let i = 2; name in responses; i++) name = `Error${status}v${i}`;
          responses[name] = resp;
          byShape.set(shape, name);
        }
        op.responses[status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  return doc;
}

/** Drops shared schemas no operation refers to (e.g. an error envelope for a status no route sends). */
function dropUnused(doc: Json): Json {
  const schemas = (doc.components?.schemas ?? {}) as Json;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(v);
    }
  };
  visit([doc.paths, doc.components?.responses, doc.components?.headers]);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return doc;
}

/** OpenAPI 3 generated from the same route schemas that validate requests; `/openapi.json` and `/docs`. */
export const swaggerPlugin = fp(async (app: FastifyInstance) => {
  // The document describes the JSON API and the ops routes; CalDAV (/dav, /.well-known), the
  // secret feed addresses and the web client's static files are other protocols, documented in the README.
  app.addHook('onRoute', (route) => {
    const documented = route.url.startsWith('/api') || ['/health', '/ready', '/metrics'].includes(route.url);
    if (!documented) route.schema = { ...(route.schema ?? {}), hide: true } as typeof route.schema;
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tandem API',
        version: '0.1.0',
        description:
          'Collaborative event management: events, recurrence, sharing, history, notifications. Every JSON request body may be ' +
          'sent as MessagePack (`Content-Type: application/x-msgpack`) and every JSON response received as MessagePack ' +
          '(`Accept: application/x-msgpack`), carrying the same data. Errors use one envelope: `{"detail": {"code", "message", ...}}`.',
      },
      servers: [{ url: '/', description: 'The server that serves this document' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token from register, login or refresh' },
          refreshToken: { type: 'http', scheme: 'bearer', description: 'The refresh token, as the bearer token of POST /api/auth/refresh (or in its body)' },
          accessTokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'The access token as `?token=` (WebSocket upgrades, where browsers cannot set headers)' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url }) => ({ schema: documentedForm(schema) as typeof schema, url }),
    transformObject: (documentObject) => dropUnused(hoistErrorResponses(hoistHeaders(hoistBodies(liftMarkers((documentObject as { openapiObject: Json }).openapiObject))))),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());
});
