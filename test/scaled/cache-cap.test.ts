import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALED_SECURITY_MAX_AGE_MS } from '../../src/container.js';
import { CACHE_TTL } from '../../src/adapters/cache.js';
import { startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { freePort, TestRedis } from '../helpers/cluster.js';

/*
 * Scaled mode caps the life of cached permission maps (a revocation written by an instance that
 * lost Redis must be refused everywhere within 5 s); the other tiers keep their time to live.
 * The cache's clock is moved by hand and its hits and misses counted: no waiting.
 */
let redis: TestRedis;
let t: TestApp;
let me: TestUser;
let clock = 1_000_000;
beforeAll(async () => {
  redis = new TestRedis(await freePort());
  await redis.start();
  t = await startTestApp({ REDIS_URL: redis.url }, { cacheClock: () => clock });
  me = await t.user('cap');
}, 60_000);
afterAll(async () => {
  await t?.close();
  await redis?.stop();
});

/** Cache misses (database loads) caused by one request. */
async function missesOf(url: string): Promise<number> {
  const before = t.c.cache.stats().misses;
  const res = await t.req({ method: 'GET', url, token: me.access });
  expect(res.statusCode, res.body).toBe(200);
  return t.c.cache.stats().misses - before;
}

describe('read cache with Redis', () => {
  it('reloads permission maps after the cap, and keeps event rows and listings for their tier', async () => {
    const created = await t.req({
      method: 'POST', url: '/api/events', token: me.access, payload: { title: 'Cap', start_time: '2052-01-01T10:00:00Z', end_time: '2052-01-01T11:00:00Z' },
    });
    expect(created.statusCode).toBe(201);
    const event = `/api/events/${created.json().id}`;
    const list = '/api/events?start_time=2052-01-01T00:00:00Z&end_time=2052-01-02T00:00:00Z';
    await missesOf(event);
    await missesOf(list);
    // Warm: nothing is loaded again.
    expect(await missesOf(event)).toBe(0);
    expect(await missesOf(list)).toBe(0);
    // Past the cap: the permission map is loaded again, the event row is not.
    clock += SCALED_SECURITY_MAX_AGE_MS + 1000;
    expect(await missesOf(event)).toBe(1);
    expect(await missesOf(list)).toBe(0);
    expect(CACHE_TTL.short).toBeGreaterThan(SCALED_SECURITY_MAX_AGE_MS + 1000);
    // Past the short tier: both.
    clock += CACHE_TTL.short;
    expect(await missesOf(event)).toBe(2);
  });
});
