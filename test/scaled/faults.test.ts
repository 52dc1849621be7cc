import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, freePort, Instance, TestRedis, waitFor } from '../helpers/cluster.js';
import { PrivatePostgres } from '../helpers/private-postgres.js';

/*
 * Faults in the scaled deployment: the database going away under load, and coming back. A private
 * PostgreSQL (and Redis) is used so stopping it cannot disturb the suites sharing the CI server.
 */
let pg: PrivatePostgres;
let redis: TestRedis;
let app: Instance;
beforeAll(async () => {
  pg = await PrivatePostgres.create();
  redis = new TestRedis(await freePort());
  await redis.start();
  app = new Instance(await freePort(), {
    DATABASE_URL: pg.url, REDIS_URL: redis.url, JWT_SECRET: 'fault-test-secret-fault-test-secret-0123',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000',
  });
  await app.start();
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await redis?.stop();
  await pg?.destroy();
});

interface Seen { status: number; code?: string; retryAfter: string | null; phase: string }

describe('PostgreSQL stopped mid-load', () => {
  it('answers 503 SERVICE_UNAVAILABLE in the envelope while it is away and recovers without a restart', async () => {
    const reg = await call(app.url, 'POST', '/api/auth/register', undefined, { username: 'faulty', email: 'faulty@example.com', password: 'password123' });
    expect(reg.status).toBe(201);
    const token = reg.body.access_token as string;
    const pid = app.child!.pid;
    let phase = 'before';
    let day = 0;
    const seen: Seen[] = [];
    let stop = false;
    // Four clients writing and reading in a loop for the whole test.
    const clients = Array.from({ length: 4 }, async (_, k) => {
      while (!stop) {
        const s = Date.UTC(2060, 0, 1) + (++day * 4 + k) * 3_600_000;
        const reqs = [
          () => call(app.url, 'POST', '/api/events', token, { title: `load ${k}`, start_time: new Date(s).toISOString(), end_time: new Date(s + 1_800_000).toISOString() }),
          () => call(app.url, 'GET', '/api/events?limit=5', token),
          () => call(app.url, 'GET', '/api/notifications', token),
        ];
        for (const r of reqs) {
          const res = await r().catch(() => ({ status: 0, body: null, headers: new Headers() }));
          // Labelled by when the answer came: one in flight when the database went away counts as "down".
          seen.push({ status: res.status, code: res.body?.detail?.code, retryAfter: res.headers.get('retry-after'), phase });
        }
      }
    });
    await waitFor(async () => seen.filter((x) => x.phase === 'before' && x.status < 300).length >= 12, 'load before the fault');
    phase = 'down';
    await pg.stop();
    await waitFor(async () => seen.filter((x) => x.phase === 'down' && x.status === 503).length >= 8, '503s while the database is down');
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/ready`)).status).toBe(503);
    phase = 'restarting';
    await pg.start();
    phase = 'back';
    await waitFor(async () => seen.filter((x) => x.phase === 'back' && x.status === 201).length >= 4, 'writes after the database returned', 30_000);
    stop = true;
    await Promise.all(clients);

    const down = seen.filter((x) => x.phase === 'down' && x.status >= 500);
    expect(down.length).toBeGreaterThan(0);
    for (const x of down) expect(x, JSON.stringify(x)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    for (const x of down) expect(Number(x.retryAfter)).toBeGreaterThan(0);
    // No request failed in any other way: no 500, no dropped connection, in any phase.
    expect(seen.filter((x) => x.status === 0 || (x.status >= 500 && x.status !== 503))).toEqual([]);
    expect(seen.filter((x) => x.phase === 'before' && x.status >= 500)).toEqual([]);
    // Same process throughout: it recovered, it was not restarted.
    expect(app.child!.exitCode).toBeNull();
    expect(app.child!.pid).toBe(pid);
    expect((await fetch(`${app.url}/ready`)).status).toBe(200);
    console.log(`[faults] ${seen.length} requests: ${seen.filter((x) => x.phase === 'down').length} during the outage (${down.length} answered 503), ${seen.filter((x) => x.phase === 'back').length} after recovery`);
  }, 120_000);
});
