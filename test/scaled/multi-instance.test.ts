import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startCluster, waitFor, type Cluster } from '../helpers/cluster.js';
import { notificationsSocket } from '../helpers/ws-client.js';

/*
 * Two app processes on one PostgreSQL database and one Redis: the scaled deployment. Each test
 * talks HTTP and WebSocket to the real processes.
 */
let cl: Cluster;
let n = 0;
beforeAll(async () => {
  cl = await startCluster({ RATE_LIMIT_USER_PER_MINUTE: '40' });
}, 120_000);
afterAll(async () => cl?.stop());

async function user(base: string) {
  const name = `mi${process.pid}x${++n}`;
  const r = await call(base, 'POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'password123' });
  expect(r.status).toBe(201);
  return { id: r.body.id as number, token: r.body.access_token as string, name };
}

let day = 0;
function slot() {
  const s = Date.UTC(2050, 0, 1) + ++day * 86_400_000;
  return { start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() };
}

describe('several stateless instances', () => {
  it('reads a write made on A fresh from B, cache warm or not', async () => {
    const u = await user(cl.a.url);
    const e = await call(cl.a.url, 'POST', '/api/events', u.token, { title: 'v1', ...slot() });
    expect(e.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await call(cl.b.url, 'GET', `/api/events/${e.body.id}`, u.token)).body.title).toBe('v1');
    await call(cl.b.url, 'GET', '/api/events', u.token);
    expect((await call(cl.a.url, 'PATCH', `/api/events/${e.body.id}`, u.token, { title: 'v2' })).status).toBe(200);
    expect((await call(cl.b.url, 'GET', `/api/events/${e.body.id}`, u.token)).body.title).toBe('v2');
    expect((await call(cl.b.url, 'GET', '/api/events', u.token)).body.items.find((i: { id: number }) => i.id === e.body.id).title).toBe('v2');
  });

  it('notifies a WebSocket client of B about a write on A', async () => {
    const owner = await user(cl.a.url);
    const bob = await user(cl.b.url);
    const e = await call(cl.a.url, 'POST', '/api/events', owner.token, { title: 'Fan-out', ...slot() });
    const s = await notificationsSocket(cl.b.url, bob.token);
    try {
      await call(cl.a.url, 'POST', `/api/events/${e.body.id}/share`, owner.token, { user_id: bob.id, role: 'VIEWER' });
      await call(cl.a.url, 'PATCH', `/api/events/${e.body.id}`, owner.token, { title: 'Fan-out v2' });
      await waitFor(async () => s.received.length >= 2, `two notifications on B (got ${JSON.stringify(s.received)})`, 10_000).catch((err) => {
        throw new Error(`${err.message}; received ${JSON.stringify(s.received)}`);
      });
      expect(s.received.map((m) => [m.type, m.data.event_id])).toEqual([
        ['notification', e.body.id],
        ['notification', e.body.id],
      ]);
    } finally {
      s.ws.close();
    }
  });

  it('enforces a revocation and a logout made on A on B\'s next request', async () => {
    const owner = await user(cl.a.url);
    const bob = await user(cl.a.url);
    const e = await call(cl.a.url, 'POST', '/api/events', owner.token, { title: 'Revocable', ...slot() });
    await call(cl.a.url, 'POST', `/api/events/${e.body.id}/share`, owner.token, { user_id: bob.id, role: 'EDITOR' });
    for (let i = 0; i < 2; i++) expect((await call(cl.b.url, 'GET', `/api/events/${e.body.id}`, bob.token)).status).toBe(200);
    expect((await call(cl.a.url, 'DELETE', `/api/events/${e.body.id}/permissions/${bob.id}`, owner.token)).status).toBe(204);
    expect((await call(cl.b.url, 'GET', `/api/events/${e.body.id}`, bob.token)).status).toBe(404);
    expect((await call(cl.b.url, 'PATCH', `/api/events/${e.body.id}`, bob.token, { title: 'x' })).status).toBe(404);

    expect((await call(cl.b.url, 'GET', '/api/users/me', bob.token)).status).toBe(200);
    expect((await call(cl.a.url, 'POST', '/api/auth/logout', bob.token)).status).toBe(204);
    expect((await call(cl.b.url, 'GET', '/api/users/me', bob.token)).status).toBe(401);
  });

  it('shares the per-user rate limit across A and B', async () => {
    const u = await user(cl.a.url);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await call(i % 2 ? cl.b.url : cl.a.url, 'GET', '/api/users/me', u.token)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const over = await call(cl.b.url, 'GET', '/api/users/me', u.token);
    expect(over.status).toBe(429);
    expect(over.headers.get('x-ratelimit-limit')).toBe('40');
    expect(over.headers.get('retry-after')).toBeTruthy();
    expect((await call(cl.a.url, 'GET', '/api/users/me', u.token)).status).toBe(429);
  });

  it('keeps serving while Redis is down and recovers by itself when it returns', async () => {
    const owner = await user(cl.a.url);
    const e = await call(cl.a.url, 'POST', '/api/events', owner.token, { title: 'Before outage', ...slot() });
    await call(cl.b.url, 'GET', `/api/events/${e.body.id}`, owner.token);

    await cl.redis.stop();
    await waitFor(async () => (await call(cl.a.url, 'GET', '/ready')).status === 503, 'A to report Redis down', 10_000);
    expect((await call(cl.a.url, 'GET', '/ready')).body.checks.redis).toBe('down');
    // Requests go on: writes on A, fresh reads on B (the cache is bypassed).
    expect((await call(cl.a.url, 'PATCH', `/api/events/${e.body.id}`, owner.token, { title: 'During outage' })).status).toBe(200);
    expect((await call(cl.b.url, 'GET', `/api/events/${e.body.id}`, owner.token)).body.title).toBe('During outage');
    expect((await call(cl.b.url, 'GET', '/api/users/me', owner.token)).status).toBe(200);
    const other = await user(cl.b.url);
    expect(other.id).toBeGreaterThan(0);

    await cl.redis.start();
    await waitFor(async () => (await call(cl.a.url, 'GET', '/ready')).status === 200 && (await call(cl.b.url, 'GET', '/ready')).status === 200, 'both instances ready again', 20_000);
    // Caches warmed before and during the outage are not trusted: a write on B shows on A.
    await call(cl.a.url, 'GET', `/api/events/${e.body.id}`, owner.token);
    expect((await call(cl.b.url, 'PATCH', `/api/events/${e.body.id}`, owner.token, { title: 'After outage' })).status).toBe(200);
    expect((await call(cl.a.url, 'GET', `/api/events/${e.body.id}`, owner.token)).body.title).toBe('After outage');
    // And fan-out across instances works again.
    const bob = await user(cl.a.url);
    const s = await notificationsSocket(cl.a.url, bob.token);
    try {
      await call(cl.b.url, 'POST', `/api/events/${e.body.id}/share`, owner.token, { user_id: bob.id, role: 'VIEWER' });
      await waitFor(async () => s.received.length >= 1, 'a notification after recovery', 10_000);
    } finally {
      s.ws.close();
    }
  });
});
