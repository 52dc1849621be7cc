import { Type, type TSchema } from 'typebox';
import { errorSchemaId } from './responses.js';

/** The one error envelope every failure uses. */
export const ErrorResponse = Type.Object(
  {
    detail: Type.Object(
      {
        code: Type.String(),
        message: Type.String(),
        errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'ErrorResponse', description: 'Error envelope: {detail: {code, message, ...}}' },
);

export const errorRef = Type.Unsafe<unknown>({ $ref: 'ErrorResponse#' });

/**
 * Error responses by status, each the envelope of its status. Prefer `operation()` from
 * responses.ts, which also adds the errors every operation of its kind can send.
 */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = Type.Unsafe<unknown>({ $ref: `${errorSchemaId(s)}#` });
  return out;
}

/**
 * A parameter or field the client may omit: optional in the document (and to the validator), and
 * filled with the schema's `default` by validation (Fastify's Ajv runs with `useDefaults`), so the
 * handler always sees a value — which is why the returned type stays the non-optional `T`.
 * Marking such a field required would tell clients (and generated types) they must send it.
 */
export function Defaulted<T extends TSchema>(schema: T): T {
  if ((schema as { default?: unknown }).default === undefined) throw new Error('Defaulted needs a schema with a default');
  return Type.Optional(schema) as unknown as T;
}

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false });

export const Pagination = {
  skip: Defaulted(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'items to skip' })),
  limit: Defaulted(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'page size' })),
};

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339; UTC with Z in responses' });
