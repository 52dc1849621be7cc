import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestUser } from './helpers/app.js';

/* SPEC §11 tokens and guessing, on a clock the test moves (no sleeping). */
let clock = Date.now();
let t: TestApp;
let limited: TestApp;
beforeAll(async () => {
  t = await startTestApp({ SESSION_MAX_AGE_SECONDS: '86400' }, { now: () => clock });
  limited = await startTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '3', METRICS_TOKEN: 'metrics-secret-token' });
});
afterAll(async () => Promise.all([t.close(), limited.close()]));

const refresh = (token: string) => t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
const me = (token: string) => t.req({ method: 'GET', url: '/api/users/me', token });

describe('?token= in the URL', () => {
  it('is accepted on the WebSocket route only', async () => {
    const u = await t.user('qt');
    const res = await t.req({ method: 'GET', url: `/api/users/me?token=${u.access}`, headers: { upgrade: 'websocket', connection: 'Upgrade' } });
    expect(res.statusCode).toBe(401);
    const events = await t.req({ method: 'GET', url: `/api/events?token=${u.access}`, headers: { upgrade: 'websocket' } });
    expect(events.statusCode).toBe(401);
  });
});

describe('refresh rotation with a retry grace', () => {
  it('gives a refresh token presented again within 10 s the current pair of the same session', async () => {
    const u: TestUser = await t.user('grace');
    const first = await refresh(u.refresh);
    expect(first.statusCode).toBe(200);
    clock += 9_000;
    const retry = await refresh(u.refresh);
    expect(retry.statusCode, retry.body).toBe(200);
    const a = first.json();
    const b = retry.json();
    // Same session: both pairs work, and logging out one ends the other.
    expect((await me(a.access_token)).statusCode).toBe(200);
    expect((await me(b.access_token)).statusCode).toBe(200);
    const next = await refresh(b.refresh_token);
    expect(next.statusCode).toBe(200);
    expect((await t.req({ method: 'POST', url: '/api/auth/logout', token: next.json().access_token })).statusCode).toBe(204);
    expect((await me(a.access_token)).statusCode).toBe(401);
  });

  it('two concurrent refreshes with one token both succeed', async () => {
    const u = await t.user('conc');
    const [x, y] = await Promise.all([refresh(u.refresh), refresh(u.refresh)]);
    expect([x.statusCode, y.statusCode]).toEqual([200, 200]);
    expect((await me(x.json().access_token)).statusCode).toBe(200);
    expect((await me(y.json().access_token)).statusCode).toBe(200);
  });

  it('revokes the whole session when the old token comes back after the grace', async () => {
    const u = await t.user('reuse');
    const first = await refresh(u.refresh);
    expect(first.statusCode).toBe(200);
    const pair = first.json();
    clock += 10_001;
    const reuse = await refresh(u.refresh);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().detail.code).toBe('UNAUTHORIZED');
    expect((await refresh(pair.refresh_token)).statusCode).toBe(401);
    expect((await me(pair.access_token)).statusCode).toBe(401);
    expect((await me(u.access)).statusCode).toBe(401);
  });
});

describe('session maximum age', () => {
  it('refuses refresh SESSION_MAX_AGE_SECONDS after login, whatever its refreshes; issued access tokens keep working', async () => {
    const u = await t.user('age');
    let token = u.refresh;
    for (let i = 0; i < 3; i++) {
      clock += 7 * 3600_000;
      const r = await refresh(token);
      expect(r.statusCode, `refresh ${i}`).toBe(200);
      token = r.json().refresh_token;
    }
    clock += 3 * 3600_000 - 1;
    const lastAccess = (await refresh(token)).json();
    expect(lastAccess.access_token).toBeTruthy();
    clock += 1;
    const tooOld = await refresh(lastAccess.refresh_token);
    expect(tooOld.statusCode).toBe(401);
    expect(tooOld.json().detail.message).toMatch(/maximum age/);
    expect((await me(lastAccess.access_token)).statusCode).toBe(200);
  });
});

describe('password guessing', () => {
  it('slows down failed logins for one account progressively, never locking it for good', async () => {
    const u = await t.user('slow');
    const login = (password: string, username = u.username) => t.req({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    for (let i = 0; i < 5; i++) expect((await login('wrong-password')).statusCode, `failure ${i + 1}`).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const held = await login('wrong-password');
      expect(held.statusCode).toBe(429);
      expect(held.json().detail.code).toBe('RATE_LIMIT_EXCEEDED');
      const wait = Number(held.headers['retry-after']);
      waits.push(wait);
      clock += wait * 1000;
      expect((await login('wrong-password')).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    // By email too: the same account.
    expect((await login('wrong-password', u.email)).statusCode).toBe(429);
    clock += 16_000;
    expect((await login(u.password)).statusCode).toBe(200);
    // A success clears the count.
    expect((await login('wrong-password')).statusCode).toBe(401);
    expect((await login('wrong-password')).statusCode).toBe(401);
  });

  it('treats unknown names the same way, so the slowdown does not reveal accounts', async () => {
    const login = () => t.req({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody-here', password: 'wrong-password' } });
    for (let i = 0; i < 5; i++) expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(429);
  });

  it('counts auth requests before their body is parsed', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await limited.req({ method: 'POST', url: '/api/auth/login', remoteAddress: '198.51.100.20', headers: { 'content-type': 'application/json' }, payload: '{not json' });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([400, 400, 400, 429]);
  });

  it('groups IPv6 clients by /64', async () => {
    const hit = (ip: string) => limited.req({ method: 'POST', url: '/api/auth/register', remoteAddress: ip, payload: {} });
    const codes = [];
    for (const ip of ['2001:db8:7:1::1', '2001:db8:7:1::2', '2001:db8:7:1:aaaa::3', '2001:db8:7:1:ffff:ffff:ffff:ffff']) codes.push((await hit(ip)).statusCode);
    expect(codes).toEqual([400, 400, 400, 429]);
    expect((await hit('2001:db8:7:2::1')).statusCode).toBe(400);
  });
});

describe('/metrics', () => {
  it('needs the bearer METRICS_TOKEN when one is set', async () => {
    expect((await limited.req({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await limited.req({ method: 'GET', url: '/metrics', token: 'wrong' })).statusCode).toBe(401);
    const ok = await limited.req({ method: 'GET', url: '/metrics', token: 'metrics-secret-token' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('http_requests_total');
    // Without a token configured it stays open (the default).
    expect((await t.req({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });
});
