import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { isReady } from './redis.js';

/**
 * Generation counters behind the read cache. Every cached value is stored under its key plus the
 * current generations of what it depends on (an event, a user); a write bumps those generations
 * after it commits and before it answers, so no instance can read the old entry again — stale
 * entries are simply never asked for and age out of the LRU.
 */
export interface Generations {
  /** Current values, or null when they cannot be known (Redis away): the caller must bypass the cache. */
  get(keys: string[]): Promise<string[] | null>;
  bump(keys: string[]): Promise<void>;
  healthy(): boolean;
}

/**
 * In-process generations. A forgotten (evicted) key gets a fresh value from a monotonic clock,
 * never an old one, so eviction can only cause misses, not stale hits.
 */
export function createMemoryGenerations(max = 200_000): Generations {
  let clock = 0;
  const gens = new LRUCache<string, number>({ max });
  const read = (k: string) => {
    let g = gens.get(k);
    if (g === undefined) gens.set(k, (g = ++clock));
    return g;
  };
  return {
    async get(keys) {
      return keys.map((k) => String(read(k)));
    },
    async bump(keys) {
      for (const k of keys) gens.set(k, ++clock);
    },
    healthy: () => true,
  };
}

const EPOCH = 'tandem:gen:epoch';

/**
 * Generations in Redis, shared by all instances. An epoch is part of every answer: it is renewed
 * when Redis comes back empty (restart) and whenever this instance reconnects after losing Redis
 * (its writes during the outage could not bump anything), so entries cached before are never
 * served again.
 */
export function createRedisGenerations(redis: Redis, onError: (err: unknown) => void = () => undefined): Generations {
  let lost = false;
  const renew = async (force: boolean) => {
    const fresh = randomBytes(8).toString('hex');
    if (force) await redis.set(EPOCH, fresh);
    else await redis.set(EPOCH, fresh, 'NX');
  };
  redis.on('close', () => (lost = true));
  redis.on('ready', () => {
    renew(lost).catch(onError);
    lost = false;
  });
  if (isReady(redis)) renew(false).catch(onError);
  return {
    async get(keys) {
      if (!isReady(redis)) return null;
      try {
        if (lost) {
          await renew(true);
          lost = false;
        }
        const values = await redis.mget(EPOCH, ...keys.map((k) => `tandem:gen:${k}`));
        if (values[0] === null) {
          await renew(false);
          return null;
        }
        return values.map((v) => v ?? '0');
      } catch (err) {
        onError(err);
        return null;
      }
    },
    async bump(keys) {
      if (!keys.length) return;
      try {
        // A pipeline, not MULTI: ioredis leaves MULTI's own queued replies unhandled when the
        // connection drops mid-flight, which would crash the process.
        const p = redis.pipeline();
        for (const k of keys) p.incr(`tandem:gen:${k}`);
        const results = await p.exec();
        const failed = results?.find(([err]) => err);
        if (failed) throw failed[0];
      } catch (err) {
        // Could not invalidate: make sure nothing cached before now is trusted again.
        lost = true;
        onError(err);
      }
    },
    healthy: () => isReady(redis),
  };
}
