import { createRequire } from 'node:module';
import { TRUNCATED_KEYWORD } from './plugins/errors.plugin.js';

/*
 * Request validation that stops early, compiled on a route's first request. Ajv with `allErrors` keeps going after the first problem,
 * so 50,000 bad items cost 150,000 error objects (MBs, seconds). Each schema is compiled twice by
 * the very compiler Fastify would use (resolved from Fastify's own dependencies): a validator that
 * stops at the first problem runs first; only when it fails on a small input does the full one run
 * to list every problem. On a large input the client gets the first problem and
 * `errors_truncated: true`.
 */

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
type RouteSchema = { schema: unknown; method?: string; url?: string; httpPart?: string };
type CompilerFactory = (externalSchemas: unknown, options: { customOptions: Record<string, unknown> } & Record<string, unknown>) => (def: RouteSchema) => Validate;

const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
const AjvCompiler = fastifyRequire('@fastify/ajv-compiler') as () => CompilerFactory;

/** Inputs with more values than this get only the first problem (a full list would be unbounded). */
export const FULL_REPORT_MAX_VALUES = 2_000;

/** Counts values in `data`, giving up once past `limit`. */
function countValues(data: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [data];
  while (stack.length && n <= limit) {
    const v = stack.pop();
    n++;
    if (Array.isArray(v)) for (let i = 0; i < v.length && n + stack.length <= limit; i++) stack.push(v[i]);
    else if (v && typeof v === 'object') for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
  return n + stack.length;
}

/** A `schemaController.compilersFactory.buildValidator` for Fastify: first-error pass, then a bounded full pass. */
export function earlyStopValidator(): CompilerFactory {
  const factory = AjvCompiler();
  return (externalSchemas, options) => {
    const full = factory(externalSchemas, { ...options, customOptions: { ...options.customOptions, allErrors: true } });
    const first = factory(externalSchemas, { ...options, customOptions: { ...options.customOptions, allErrors: false } });
    return (def) => {
      // Compiled on the route's first request, not at start-up (like the serializers, http/serializer.ts).
      let quick: Validate | null = null;
      let thorough: Validate | null = null;
      const validate: Validate = (data) => {
        quick ??= first(def);
        if (quick(data)) return true;
        if (countValues(data, FULL_REPORT_MAX_VALUES) > FULL_REPORT_MAX_VALUES) {
          validate.errors = [...(quick.errors ?? []), { keyword: TRUNCATED_KEYWORD }];
          return false;
        }
        thorough ??= full(def);
        const ok = thorough(data);
        validate.errors = ok ? quick.errors : thorough.errors;
        return false;
      };
      return validate;
    };
  };
}
