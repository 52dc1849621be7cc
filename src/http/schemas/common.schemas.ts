import { Type, type TSchema } from 'typebox';

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

/** Standard error responses for a route, so OpenAPI documents them. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = errorRef as TSchema;
  return out;
}

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false });

export const Pagination = {
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
};

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339; UTC with Z in responses' });
