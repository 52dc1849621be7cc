import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

describe('rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '3', RATE_LIMIT_USER_PER_MINUTE: '5' });
  });
  afterAll(async () => t.close());

  it('limits each auth endpoint to N per minute per IP, with headers and the 429 envelope', async () => {
    const login = (ip: string) => t.req({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'whatever1' }, remoteAddress: ip });
    const first = await login('10.1.0.1');
    expect(first.statusCode).toBe(401);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    await login('10.1.0.1');
    expect((await login('10.1.0.1')).headers['x-ratelimit-remaining']).toBe('0');
    const limited = await login('10.1.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeTruthy();
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    const body = limited.json();
    expect(body.detail.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Date.parse(body.detail.reset_at)).toBeGreaterThan(Date.now() - 1000);
    // Another IP, and another auth endpoint for the same IP, have their own counters.
    expect((await login('10.1.0.2')).statusCode).toBe(401);
    const reg = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: 'rl_user_1', email: 'rl1@example.com', password: 'password123' }, remoteAddress: '10.1.0.1' });
    expect(reg.statusCode).toBe(201);
  });

  it('limits everything else per user, not per IP', async () => {
    const reg = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: 'rl_user_2', email: 'rl2@example.com', password: 'password123' }, remoteAddress: '10.2.0.1' });
    const other = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: 'rl_user_3', email: 'rl3@example.com', password: 'password123' }, remoteAddress: '10.2.0.1' });
    const token = reg.json().access_token;
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.req({ method: 'GET', url: '/api/users/me', token, remoteAddress: `10.3.0.${i}` });
      expect(res.statusCode).toBe(200);
      remaining.push(String(res.headers['x-ratelimit-remaining']));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await t.req({ method: 'GET', url: '/api/users/me', token, remoteAddress: '10.3.0.99' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().detail.code).toBe('RATE_LIMIT_EXCEEDED');
    // The other user, from the same IP, is unaffected.
    expect((await t.req({ method: 'GET', url: '/api/users/me', token: other.json().access_token, remoteAddress: '10.2.0.1' })).statusCode).toBe(200);
    const m = await t.req({ method: 'GET', url: '/metrics' });
    expect(m.body).toMatch(/rate_limit_rejections_total [1-9]/);
  });

  it('limits requests without a valid token per IP', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await t.req({ method: 'GET', url: '/api/users/me', token: `not-a-token-${i}`, remoteAddress: '10.4.0.1' });
      codes.push(res.statusCode);
      if (i === 0) expect(res.headers['x-ratelimit-limit']).toBe('5');
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await t.req({ method: 'GET', url: '/api/users/me', remoteAddress: '10.4.0.2' })).statusCode).toBe(401);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const spoof = (n: number) => t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: 'x' }, headers: { 'x-forwarded-for': `203.0.113.${n}` }, remoteAddress: '10.9.9.9' });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await spoof(i)).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
  });
});

describe('rate limiting behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '2', TRUST_PROXY: 'true' });
  });
  afterAll(async () => t.close());

  it('counts each forwarded client separately', async () => {
    const call = (ip: string) => t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: 'x' }, headers: { 'x-forwarded-for': ip }, remoteAddress: '127.0.0.1' });
    expect((await call('198.51.100.1')).statusCode).toBe(401);
    expect((await call('198.51.100.1')).statusCode).toBe(401);
    expect((await call('198.51.100.1')).statusCode).toBe(429);
    expect((await call('198.51.100.2')).statusCode).toBe(401);
  });
});
