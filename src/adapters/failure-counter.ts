import { isReady } from './redis.js';
import { FIXED_WINDOW_HIT, type RateLimitBackend } from './rate-limit-store.js';

/** Counts failures per key in a fixed window; `peek` reads without counting (checked before any work). */
export interface FailureCounter {
  peek(key: string): Promise<{ current: number; ttl: number }>;
  hit(key: string): Promise<{ current: number; ttl: number }>;
}

/**
 * Failure counters on the rate-limit backend: in Redis when it is reachable (so the limit holds
 * across instances), in this instance's bounded memory otherwise.
 */
export function createFailureCounter(backend: RateLimitBackend, prefix: string, windowMs = 60_000): FailureCounter {
  const k = (key: string) => `${prefix}${key}`;
  return {
    async peek(key) {
      const redis = backend.redis;
      if (redis && isReady(redis)) {
        try {
          const [n, ttl] = await Promise.all([redis.get(`tandem:${k(key)}`), redis.pttl(`tandem:${k(key)}`)]);
          return { current: Number(n ?? 0), ttl: Math.max(0, ttl) };
        } catch {
          /* fall through to memory */
        }
      }
      return backend.memory.peek(k(key));
    },
    async hit(key) {
      const redis = backend.redis;
      if (redis && isReady(redis)) {
        try {
          const [current, ttl] = (await redis.eval(FIXED_WINDOW_HIT, 1, `tandem:${k(key)}`, windowMs)) as [number, number];
          return { current: Number(current), ttl: Number(ttl) > 0 ? Number(ttl) : windowMs };
        } catch {
          /* fall through to memory */
        }
      }
      return backend.memory.incr(k(key), windowMs);
    },
  };
}
