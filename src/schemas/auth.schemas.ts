import { Type } from 'typebox';

export const UserSchema = Type.Object(
  { id: Type.Integer(), username: Type.String(), email: Type.String(), created_at: Type.String({ format: 'date-time' }) },
  { $id: 'User' },
);

const tokenFields = {
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'seconds until the access token expires' }),
};

export const RegisterBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 50, pattern: '^[A-Za-z0-9_.-]+$' }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
  },
  { additionalProperties: false },
);

export const RegisterResponse = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  ...tokenFields,
});

export const TokenResponse = Type.Object({ ...tokenFields, user: Type.Ref('User') });

/** JSON `{username | email, password}` or the OAuth2 password form (`username` may hold an email). */
export const LoginBody = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    password: Type.String({ minLength: 1, maxLength: 128 }),
    grant_type: Type.Optional(Type.String({ maxLength: 20 })),
    scope: Type.Optional(Type.String({ maxLength: 200 })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
    client_secret: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object({ refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) }, { additionalProperties: false });

export const UserSearchQuery = Type.Object({ q: Type.String({ minLength: 1, maxLength: 254 }) }, { additionalProperties: false });
export const UserSearchResponse = Type.Object({ items: Type.Array(Type.Object({ id: Type.Integer(), username: Type.String() })) });
