import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

describe('authentication', () => {
  it('register → login → me → refresh → logout', async () => {
    const reg = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: 'Flow_user', email: 'Flow@Example.com', password: 'correct horse' } });
    expect(reg.statusCode).toBe(201);
    const r = reg.json();
    expect(r).toMatchObject({ username: 'Flow_user', email: 'flow@example.com', token_type: 'bearer', expires_in: 900 });
    expect(r.id).toBeTypeOf('number');
    expect(r.created_at).toMatch(/Z$/);
    expect(r.access_token).toBeTruthy();
    expect(r.refresh_token).toBeTruthy();

    const login = await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: 'flow_user', password: 'correct horse' } });
    expect(login.statusCode).toBe(200);
    const l = login.json();
    expect(l).toMatchObject({ token_type: 'bearer', user: { id: r.id, username: 'Flow_user' } });

    const me = await t.req({ method: 'GET', url: '/api/users/me', token: l.access_token });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ id: r.id, username: 'Flow_user', email: 'flow@example.com', created_at: r.created_at });

    const ref = await t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: l.refresh_token } });
    expect(ref.statusCode).toBe(200);
    const n = ref.json();
    expect(n.refresh_token).not.toBe(l.refresh_token);
    expect((await t.req({ method: 'GET', url: '/api/users/me', token: n.access_token })).statusCode).toBe(200);

    const out = await t.req({ method: 'POST', url: '/api/auth/logout', token: n.access_token });
    expect(out.statusCode).toBe(204);
    expect((await t.req({ method: 'GET', url: '/api/users/me', token: n.access_token })).statusCode).toBe(401);
    // The session is gone: its refresh token no longer works either.
    expect((await t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: n.refresh_token } })).statusCode).toBe(401);
    // The other login session is unaffected.
    expect((await t.req({ method: 'GET', url: '/api/users/me', token: r.access_token })).statusCode).toBe(200);
  });

  it('refresh accepts the token in the Authorization header', async () => {
    const u = await t.user();
    const res = await t.req({ method: 'POST', url: '/api/auth/refresh', token: u.refresh });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(u.id);
  });

  it('rejects expired, tampered, alg:none and refresh-as-access tokens with 401', async () => {
    const u = await t.user();
    const secret = t.c.config.jwtSecret;
    const claims = JSON.parse(Buffer.from(u.access.split('.')[1], 'base64url').toString());
    const expired = createSigner({ key: secret, algorithm: 'HS256', clockTimestamp: Date.now() - 3600_000, expiresIn: 60_000 })({ ...claims, iat: undefined, exp: undefined });
    const [h, p, s] = u.access.split('.');
    const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, sub: '999999' })).toString('base64url');
    const tampered = `${h}.${tamperedPayload}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const wrongKey = createSigner({ key: 'x'.repeat(40), algorithm: 'HS256' })({ ...claims, iat: undefined });
    for (const token of [expired, tampered, none, wrongKey, u.refresh, 'garbage', `${h}.${p}`]) {
      const res = await t.req({ method: 'GET', url: '/api/users/me', token });
      expect(res.statusCode, token).toBe(401);
      expect(res.json().detail.code).toBe('UNAUTHORIZED');
    }
    expect((await t.req({ method: 'GET', url: '/api/users/me' })).statusCode).toBe(401);
    // And an access token is not a refresh token.
    expect((await t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.access } })).statusCode).toBe(401);
  });

  it('logs in by username or email, with JSON or the OAuth2 form', async () => {
    const u = await t.user();
    const forms = [
      { payload: { username: u.username, password: u.password } },
      { payload: { email: u.email, password: u.password } },
      { payload: { username: u.email.toUpperCase(), password: u.password } },
      { payload: `username=${encodeURIComponent(u.username)}&password=${encodeURIComponent(u.password)}&grant_type=password`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { payload: `username=${encodeURIComponent(u.email)}&password=${encodeURIComponent(u.password)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ];
    for (const f of forms) {
      const res = await t.req({ method: 'POST', url: '/api/auth/login', ...f });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.id).toBe(u.id);
    }
  });

  it('gives the same 401 for an unknown user and a wrong password', async () => {
    const u = await t.user();
    const wrong = await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: 'not-the-password' } });
    const unknown = await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody-here', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('rejects duplicate usernames (any case) and emails with 409', async () => {
    const u = await t.user();
    const dupName = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: u.username.toUpperCase(), email: 'other1@example.com', password: 'password123' } });
    expect(dupName.statusCode).toBe(409);
    expect(dupName.json().detail.code).toBe('CONFLICT');
    const dupEmail = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: 'someone_else', email: u.email, password: 'password123' } });
    expect(dupEmail.statusCode).toBe(409);
  });

  it('names every bad field in a validation error', async () => {
    const res = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: 'a b', email: 'nope', password: 'short', id: 5, created_at: 'x' } });
    expect(res.statusCode).toBe(400);
    const d = res.json().detail;
    expect(d.code).toBe('VALIDATION_ERROR');
    const fields = d.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['created_at', 'email', 'id', 'password', 'username']);
    const missing = await t.req({ method: 'POST', url: '/api/auth/register', payload: {} });
    expect(missing.json().detail.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password', 'username']);
    const long = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: 'x'.repeat(51), email: 'a@b.io', password: 'p'.repeat(129) } });
    expect(long.json().detail.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'username']);
  });

  it('finds users by exact username or email without exposing emails', async () => {
    const a = await t.user();
    const b = await t.user();
    for (const q of [b.username, b.email, b.username.toUpperCase()]) {
      const res = await t.req({ method: 'GET', url: `/api/users?q=${encodeURIComponent(q)}`, token: a.access });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ items: [{ id: b.id, username: b.username }] });
    }
    const partial = await t.req({ method: 'GET', url: `/api/users?q=${b.username.slice(0, 4)}`, token: a.access });
    expect(partial.json()).toEqual({ items: [] });
    expect((await t.req({ method: 'GET', url: '/api/users', token: a.access })).statusCode).toBe(400);
  });

  it('records auth operations in the audit trail', async () => {
    const u = await t.user();
    await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: 'wrong-password' } });
    const rows = await t.c.handle.db.selectFrom('audit_log').selectAll().where('user_id', '=', u.id).orderBy('id').execute();
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ['auth.register', 'ok'],
      ['auth.login', 'denied'],
    ]);
    expect(rows[0].ip).toBeTruthy();
  });
});
