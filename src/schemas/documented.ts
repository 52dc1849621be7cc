import type { TSchema } from 'typebox';

/**
 * The keyword that pairs a loosely validated schema with its exact documented form. Fastify's Ajv
 * knows it as an annotation (no effect on validation); the swagger plugin documents the node as
 * its value. For values a domain function validates because it names each bad part better than
 * Ajv's branch-by-branch errors would (e.g. `recurrence_pattern`, see recurrence.schemas.ts).
 */
export const DOCUMENTED_AS = 'x-documented-as';

/** `validated` (a freshly built schema), documented as `documented`. */
export function documentedAs<T extends TSchema>(validated: T, documented: TSchema): T {
  return Object.assign(validated, { [DOCUMENTED_AS]: documented });
}
