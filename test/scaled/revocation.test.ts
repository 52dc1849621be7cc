import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsSocket } from '../helpers/ws-client.js';
import { call, freePort, Instance, TestRedis } from '../helpers/cluster.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

/*
 * Two instances on one PostgreSQL and one Redis; instance A reaches Redis through a relay the test
 * cuts, so A writes revocations while it has lost Redis (no cache bump, no bus message reaches B).
 * B must still refuse the revoked permission and close the revoked session's socket within 5 s.
 */
let db: TestDatabase;
let redis: TestRedis;
let relay: TcpProxy;
let a: Instance;
let b: Instance;
beforeAll(async () => {
  db = await createTestDatabase();
  redis = new TestRedis(await freePort());
  await redis.start();
  relay = new TcpProxy('127.0.0.1', redis.port);
  const relayPort = await relay.start();
  const shared = { ...db.env, RATE_LIMIT_AUTH_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000' };
  a = new Instance(await freePort(), { ...shared, REDIS_URL: `redis://127.0.0.1:${relayPort}` });
  b = new Instance(await freePort(), { ...shared, REDIS_URL: redis.url });
  await a.start();
  await b.start();
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await relay?.stop();
  await redis?.stop();
  await db?.drop();
});

let n = 0;
async function user(base: string) {
  const name = `rv${process.pid}x${++n}`;
  const r = await call(base, 'POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'password123' });
  expect(r.status).toBe(201);
  return { id: r.body.id as number, token: r.body.access_token as string };
}

/** Milliseconds until `check` holds, polling; fails after `ms`. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not within ${ms} ms`);
}

describe('revocations written by an instance that lost Redis', () => {
  it('a removed permission is refused on the other instance within 5 s', { timeout: 60_000 }, async () => {
    const owner = await user(a.url);
    const viewer = await user(a.url);
    const ev = await call(a.url, 'POST', '/api/events', owner.token, { title: 'Revoked', start_time: '2061-01-01T10:00:00Z', end_time: '2061-01-01T11:00:00Z' });
    expect(ev.status).toBe(201);
    expect((await call(a.url, 'POST', `/api/events/${ev.body.id}/share`, owner.token, { user_id: viewer.id, role: 'VIEWER' })).status).toBe(200);
    // B caches the permission map.
    for (let i = 0; i < 3; i++) expect((await call(b.url, 'GET', `/api/events/${ev.body.id}`, viewer.token)).status).toBe(200);

    await relay.stop();
    try {
      const removed = await call(a.url, 'DELETE', `/api/events/${ev.body.id}/permissions/${viewer.id}`, owner.token);
      expect(removed.status).toBe(204);
      await within(5_000, async () => (await call(b.url, 'GET', `/api/events/${ev.body.id}`, viewer.token)).status === 404);
    } finally {
      await relay.start();
    }
  });

  it('a revoked session is refused, and its socket closed, on the other instance within 5 s', { timeout: 60_000 }, async () => {
    const u = await user(a.url);
    const s = await notificationsSocket(b.url, u.token);
    const closed = s.closed.then((c) => c.code);
    await relay.stop();
    try {
      expect((await call(a.url, 'POST', '/api/auth/logout', u.token)).status).toBe(204);
      expect((await call(b.url, 'GET', '/api/users/me', u.token)).status).toBe(401);
      const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]);
      expect(code).toBe(4001);
    } finally {
      await relay.start();
    }
  });
});
