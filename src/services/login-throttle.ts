import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { isReady } from '../adapters/redis.js';

/** Failures an account may have before its logins slow down. */
export const FREE_FAILURES = 5;
/** Longest wait between two attempts on one account (the slowdown never becomes a lockout). */
export const MAX_LOGIN_DELAY_MS = 15 * 60_000;
/** Failures are forgotten this long after the last one. */
const FORGET_AFTER_MS = 60 * 60_000;

/** Counts one failure and stamps it, atomically: KEYS[1] the account, ARGV now and the time to forget. */
const FAIL = `
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return count
`;

type Failures = { count: number; last: number };

/**
 * Per-account slowdown of password guessing, on top of the per-IP limit (which a botnet spreads
 * out): after FREE_FAILURES failed logins for one username or email, the next attempt waits 1 s,
 * then 2, 4, 8 … up to MAX_LOGIN_DELAY_MS. An attempt inside the wait is refused (429) without
 * checking the password; a success clears the account's count. Unknown names are counted the same
 * way, so the slowdown does not reveal which accounts exist. The counts live in Redis when it is
 * configured and reachable, so N instances do not give N times the guesses; in this instance's
 * bounded memory otherwise (and while Redis is away).
 */
export function createLoginThrottle(now: () => number, redis: Redis | null = null, max = 100_000) {
  const memory = new LRUCache<string, Failures>({ max, ttl: FORGET_AFTER_MS });
  const key = (identifier: string) => identifier.trim().toLowerCase();
  const redisKey = (k: string) => `tandem:login-fail:${k}`;
  const shared = () => (redis && isReady(redis) ? redis : null);

  /** Wait after `count` failures, in ms. */
  const delayAfter = (count: number) => (count < FREE_FAILURES ? 0 : Math.min(1000 * 2 ** (count - FREE_FAILURES), MAX_LOGIN_DELAY_MS));

  async function read(k: string): Promise<Failures | undefined> {
    const r = shared();
    if (r) {
      try {
        const [count, last] = await r.hmget(redisKey(k), 'count', 'last');
        return count === null ? undefined : { count: Number(count), last: Number(last ?? 0) };
      } catch {
        /* fall through to memory */
      }
    }
    return memory.get(k);
  }

  return {
    delayAfter,
    /** Milliseconds the account must still wait before its next attempt (0: go ahead). */
    async waitFor(identifier: string): Promise<number> {
      const f = await read(key(identifier));
      if (!f) return 0;
      return Math.max(0, f.last + delayAfter(f.count) - now());
    },
    /** Records a failed attempt; returns the wait it imposes on the next one. */
    async fail(identifier: string): Promise<number> {
      const k = key(identifier);
      const at = now();
      const r = shared();
      if (r) {
        try {
          return delayAfter(Number(await r.eval(FAIL, 1, redisKey(k), at, FORGET_AFTER_MS)));
        } catch {
          /* fall through to memory */
        }
      }
      const next = { count: (memory.get(k)?.count ?? 0) + 1, last: at };
      memory.set(k, next);
      return delayAfter(next.count);
    },
    async succeed(identifier: string): Promise<void> {
      const k = key(identifier);
      memory.delete(k);
      const r = shared();
      if (r) await r.del(redisKey(k)).catch(() => undefined);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
