import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { MAX_LISTED_ERRORS, validationError, type FieldError } from '../../domain/errors.js';

/** The largest integer any field or id may carry (PostgreSQL's `integer`). */
export const MAX_INT = 2_147_483_647;

/** Deepest nesting a request may use; no schema goes near it, and a walk must stay bounded. */
const MAX_DEPTH = 64;

/*
 * One check for every string and number a request carries — body, query string and path
 * parameters — before schema validation: no U+0000 (PostgreSQL cannot store it in text), no lone
 * UTF-16 surrogate (it would be silently replaced on the way to the database), no number beyond
 * ±2 147 483 647 (every number of the API is an integer column or id). Object keys are checked too.
 */
function inspect(value: unknown, path: string, out: FieldError[] & { truncated?: boolean }, depth: number): void {
  if (out.length > MAX_LISTED_ERRORS) {
    out.truncated = true;
    return;
  }
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    if (problem) out.push({ field: path || 'body', message: problem });
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_INT) out.push({ field: path || 'body', message: `must be between -${MAX_INT} and ${MAX_INT}` });
  } else if (value && typeof value === 'object') {
    if (depth > MAX_DEPTH) {
      out.push({ field: path || 'body', message: `nesting deeper than ${MAX_DEPTH} levels` });
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && !out.truncated; i++) inspect(value[i], `${path}[${i}]`, out, depth + 1);
    } else {
      for (const [k, v] of Object.entries(value)) {
        if (out.truncated) return;
        const field = path ? `${path}.${k}` : k;
        const keyProblem = stringProblem(k);
        if (keyProblem) out.push({ field, message: `name ${keyProblem}` });
        else inspect(v, field, out, depth + 1);
      }
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (no unpaired surrogates)';
  return null;
}

/** The problems of one request's inputs, at most MAX_LISTED_ERRORS + 1 (then marked truncated). */
export function inputProblems(request: Pick<FastifyRequest, 'body' | 'query' | 'params'>): FieldError[] & { truncated?: boolean } {
  const out: FieldError[] & { truncated?: boolean } = [];
  inspect(request.params, '', out, 0);
  inspect(request.query, '', out, 0);
  inspect(request.body, '', out, 0);
  return out;
}

/** Runs the input check on every route, ahead of the route's own schema validation. */
export const inputGuardPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    const problems = inputProblems(request);
    if (problems.length) throw validationError(problems);
  });
  // Schema coercion turns the path or query text "Infinity" or "1e400" into a number that passes
  // Ajv's integer type and range checks (Infinity % 1 is NaN, and NaN comparisons are false).
  // The same number check runs again on what coercion produced, before any handler sees it.
  app.addHook('preHandler', async (request) => {
    const problems: FieldError[] & { truncated?: boolean } = [];
    inspect(request.params, '', problems, 0);
    inspect(request.query, '', problems, 0);
    if (problems.length) throw validationError(problems);
  });
});
