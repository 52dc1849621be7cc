import { Type } from 'typebox';
import { Timestamp } from './common.schemas.js';

export const AppPasswordCreateBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100, description: 'what the password is for, e.g. "iPhone Calendar"' }) },
  { additionalProperties: false },
);

export const AppPasswordCreated = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  password: Type.String({ description: 'the secret, shown only in this response; use it as the HTTP Basic password for /dav' }),
  created_at: Timestamp,
});

export const AppPasswordItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  created_at: Timestamp,
  last_used_at: Type.Union([Timestamp, Type.Null()], { description: 'last sign-in that verified it (cached uses are not counted)' }),
});

export const AppPasswordList = Type.Object({ items: Type.Array(AppPasswordItem) });
