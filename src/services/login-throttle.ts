import { LRUCache } from 'lru-cache';

/** Failures an account may have before its logins slow down. */
export const FREE_FAILURES = 5;
/** Longest wait between two attempts on one account (the slowdown never becomes a lockout). */
export const MAX_LOGIN_DELAY_MS = 15 * 60_000;
/** Failures are forgotten this long after the last one. */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * Per-account slowdown of password guessing, on top of the per-IP limit (which a botnet spreads
 * out): after FREE_FAILURES failed logins for one username or email, the next attempt waits 1 s,
 * then 2, 4, 8 … up to MAX_LOGIN_DELAY_MS. An attempt inside the wait is refused (429) without
 * checking the password; a success clears the account's count. Unknown names are counted the same
 * way, so the slowdown does not reveal which accounts exist. In process: each instance counts its own.
 */
export function createLoginThrottle(now: () => number, max = 100_000) {
  const failures = new LRUCache<string, { count: number; last: number }>({ max, ttl: FORGET_AFTER_MS });
  const key = (identifier: string) => identifier.trim().toLowerCase();

  /** Wait after `count` failures, in ms. */
  const delayAfter = (count: number) => (count < FREE_FAILURES ? 0 : Math.min(1000 * 2 ** (count - FREE_FAILURES), MAX_LOGIN_DELAY_MS));

  return {
    delayAfter,
    /** Milliseconds the account must still wait before its next attempt (0: go ahead). */
    waitFor(identifier: string): number {
      const f = failures.get(key(identifier));
      if (!f) return 0;
      return Math.max(0, f.last + delayAfter(f.count) - now());
    },
    /** Records a failed attempt; returns the wait it imposes on the next one. */
    fail(identifier: string): number {
      const k = key(identifier);
      const f = failures.get(k) ?? { count: 0, last: 0 };
      const next = { count: f.count + 1, last: now() };
      failures.set(k, next);
      return delayAfter(next.count);
    },
    succeed(identifier: string): void {
      failures.delete(key(identifier));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
