import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DOCUMENTED_AS } from '../schemas/documented.js';

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
  visit(doc.paths);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return doc;
}

/** OpenAPI 3 generated from the same route schemas that validate requests; `/openapi.json` and `/docs`. */
export const swaggerPlugin = fp(async (app: FastifyInstance) => {
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
    transformObject: (documentObject) => dropUnused(liftMarkers((documentObject as { openapiObject: Json }).openapiObject)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());
});
