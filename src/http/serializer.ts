import { createRequire } from 'node:module';

/*
 * Response serializers compiled on a route's first response instead of at start-up. Fastify
 * compiles a fast-json-stringify function for every status of every route when the app starts
 * (REST, CalDAV, OpenAPI, web client): the compiled code and its schemas stay in the heap whether
 * a route is ever called or not, and the idle server sat at ~160 MiB against bare Fastify's 64.
 * The compiler is the one Fastify itself uses (resolved from Fastify's own dependencies) with the
 * same options; only the moment it runs changes.
 */
type Serialize = (data: unknown) => string;
type RouteSchema = { schema: unknown; method?: string; url?: string; httpStatus?: string; contentType?: string };
type SerializerFactory = (externalSchemas: unknown, options: unknown) => (def: RouteSchema) => Serialize;

const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
const { SerializerSelector } = fastifyRequire('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => SerializerFactory };

/** A `schemaController.compilersFactory.buildSerializer` for Fastify whose serializers compile on first use. */
export function lazySerializer(): SerializerFactory {
  const factory = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options);
    return (def) => {
      let fn: Serialize | null = null;
      return (data) => (fn ??= compile(def))(data);
    };
  };
}
