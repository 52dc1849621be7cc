import type { Redis } from 'ioredis';
import { isReady } from './redis.js';

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/**
 * In-process fixed-window counters with bounded memory: expired windows are swept every minute,
 * and past `maxKeys` the oldest counters are dropped (a flood of distinct clients cannot grow it).
 */
export class MemoryCounters {
  private counters = new Map<string, { count: number; resetAt: number }>();
  private timer: NodeJS.Timeout;
  constructor(private readonly maxKeys = 50_000) {
    this.timer = setInterval(() => this.sweep(Date.now()), 60_000);
    this.timer.unref();
  }

  incr(key: string, windowMs: number, now = Date.now()): { current: number; ttl: number } {
    let c = this.counters.get(key);
    if (!c || c.resetAt <= now) {
      if (c) this.counters.delete(key);
      c = { count: 0, resetAt: now + windowMs };
      this.counters.set(key, c);
      while (this.counters.size > this.maxKeys) this.counters.delete(this.counters.keys().next().value as string);
    }
    c.count++;
    return { current: c.count, ttl: c.resetAt - now };
  }

  /** The current count and time to reset of a key, without counting (0 when its window ended). */
  peek(key: string, now = Date.now()): { current: number; ttl: number } {
    const c = this.counters.get(key);
    return !c || c.resetAt <= now ? { current: 0, ttl: 0 } : { current: c.count, ttl: c.resetAt - now };
  }

  /** Drops every counter whose window ended by `now`. */
  sweep(now: number): void {
    for (const [k, c] of this.counters) if (c.resetAt <= now) this.counters.delete(k);
  }

  size(): number {
    return this.counters.size;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/** One hit on a fixed-window counter in Redis: the count and the window's remaining ms, atomically. */
export const FIXED_WINDOW_HIT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}
`;

export interface RateLimitBackend {
  memory: MemoryCounters;
  redis: Redis | null;
}

/**
 * A store for @fastify/rate-limit: counters live in Redis when it is configured and reachable (so a
 * limit holds across instances), and fall back to this instance's memory while it is not.
 * Each route with its own limit gets its own key space (`child`).
 */
export function rateLimitStore(backend: RateLimitBackend) {
  if (backend.redis && !(backend.redis as Redis & { tandemRateLimit?: unknown }).tandemRateLimit) {
    backend.redis.defineCommand('tandemRateLimit', { numberOfKeys: 1, lua: FIXED_WINDOW_HIT });
  }
  class Store {
    private readonly prefix: string;
    // @fastify/rate-limit constructs the global store with its options; children get a prefix.
    constructor(prefixOrOptions?: unknown) {
      this.prefix = typeof prefixOrOptions === 'string' ? prefixOrOptions : 'rl:global:';
    }
    // The plugin always passes the route's window; the typings omit it.
    incr(key: string, cb: Callback, timeWindow = 60_000): void {
      const k = this.prefix + key;
      const redis = backend.redis;
      if (redis && isReady(redis)) {
        (redis as Redis & { tandemRateLimit(k: string, w: number): Promise<[number, number]> })
          .tandemRateLimit(`tandem:${k}`, timeWindow)
          .then(([current, ttl]) => cb(null, { current, ttl }))
          .catch(() => cb(null, backend.memory.incr(k, timeWindow)));
        return;
      }
      cb(null, backend.memory.incr(k, timeWindow));
    }
    child(routeOptions: object) {
      const info = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new Store(`rl:${info?.method ?? ''}${info?.url ?? ''}:`);
    }
  }
  return Store;
}
