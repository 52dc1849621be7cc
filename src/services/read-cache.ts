import type { Cache, CacheTier } from '../adapters/cache.js';
import type { Generations } from '../adapters/generations.js';
import type { Touched } from './unit-of-work.js';

/** What a cached value depends on: an event (`e:<id>`) or a user's view of their events (`u:<id>`). */
export const dep = {
  event: (id: number) => `e:${id}`,
  user: (id: number) => `u:${id}`,
  notifications: (id: number) => `n:${id}`,
};

/**
 * What a cached value is for: `security` values decide whether a request may see or change
 * something (permission maps); everything else is `data`.
 */
export type CacheKind = 'data' | 'security';

/**
 * The read cache of the design's tiers. Values are stored under their key plus the generations of
 * their dependencies; `invalidate` bumps those generations after a write commits and before it
 * answers, on every instance at once (the generations live in Redis in scaled mode). When the
 * generations cannot be read, reads go to the database. `securityMaxAgeMs` caps the life of
 * security values: with several instances, a write on one that has just lost Redis cannot bump
 * the generations the others read, so a permission map they cached must not outlive that cap (a
 * revoked permission is refused everywhere within it). Data values keep their tier's time to
 * live: the writer renews the shared epoch when it gets Redis back, which retires them all.
 */
export function createReadCache(cache: Cache, gens: Generations, enabled: boolean, opts: { securityMaxAgeMs?: number } = {}) {
  return {
    enabled,
    securityMaxAgeMs: opts.securityMaxAgeMs,
    async get<T>(key: string, deps: string[], tier: CacheTier, load: () => Promise<T>, kind: CacheKind = 'data'): Promise<T> {
      if (!enabled) return load();
      const g = await gens.get(deps);
      if (!g) return load();
      const full = `${key}|${g.join(':')}`;
      const hit = await cache.get<T>(full);
      if (hit !== undefined) return hit;
      const value = await load();
      await cache.set(full, value, tier, kind === 'security' ? opts.securityMaxAgeMs : undefined);
      return value;
    },

    /** Bumps generations directly (writes that do not go through the unit of work). */
    async bump(keys: string[]): Promise<void> {
      await gens.bump(keys);
    },

    /**
     * Bumps the generations of what a committed write touched. The unit of work calls this (its
     * `onCommitted` callback) before the write answers; it is not a bus subscriber.
     */
    async invalidate(touched: Touched): Promise<void> {
      const keys = [
        ...[...touched.events].map(dep.event),
        ...[...touched.users].map(dep.user),
        ...[...touched.notifications].map(dep.notifications),
      ];
      if (keys.length) await gens.bump([...new Set(keys)]);
    },
  };
}

export type ReadCache = ReturnType<typeof createReadCache>;
