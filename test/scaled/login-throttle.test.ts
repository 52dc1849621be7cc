import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startCluster, type Cluster } from '../helpers/cluster.js';

/* The per-account login slowdown with two instances: one count in Redis, not one per process. */
let cl: Cluster;
beforeAll(async () => {
  cl = await startCluster();
}, 120_000);
afterAll(async () => cl?.stop());

let n = 0;
async function user() {
  const name = `lt${process.pid}x${++n}`;
  const r = await call(cl.a.url, 'POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'password123' });
  expect(r.status).toBe(201);
  return name;
}

/** Wrong passwords for one account, alternating between the instances, until one is refused with 429. */
async function failuresUntilSlowed(name: string, bases: string[]): Promise<number> {
  for (let i = 0; i < 12; i++) {
    const r = await call(bases[i % bases.length], 'POST', '/api/auth/login', undefined, { username: name, password: 'wrong-password' });
    if (r.status === 429) return i;
    expect(r.status).toBe(401);
  }
  return Infinity;
}

describe('login slowdown across instances', () => {
  it('counts the failures for one account on both instances together', async () => {
    const name = await user();
    // Five free failures in all (3 on A, 2 on B), then the wait; counted per process it would be ten.
    // (One more is tolerated: a slow machine may let the first 1 s wait pass between two requests.)
    expect(await failuresUntilSlowed(name, [cl.a.url, cl.b.url])).toBeLessThanOrEqual(6);
  });

  it('still slows guessing down on each instance while Redis is away', async () => {
    const name = await user();
    await cl.redis.stop();
    try {
      expect(await failuresUntilSlowed(name, [cl.a.url])).toBeLessThanOrEqual(6);
    } finally {
      await cl.redis.start();
    }
  });
});
