import type { Cache, CacheTier } from '../adapters/cache.js';
import type { Generations } from '../adapters/generations.js';
import type { Outbox } from './event-writer.js';

/** What a cached value depends on: an event (`e:<id>`) or a user's view of their events (`u:<id>`). */
export const dep = {
  event: (id: number) => `e:${id}`,
  user: (id: number) => `u:${id}`,
  notifications: (id: number) => `n:${id}`,
};

/**
 * The read cache of the design's tiers. Values are stored under their key plus the generations of
 * their dependencies; `invalidate` bumps those generations after a write commits and before it
 * answers, on every instance at once (the generations live in Redis in scaled mode). When the
 * generations cannot be read, reads go to the database. `maxAgeMs` caps every entry's life: with
 * several instances, a write on one that has just lost Redis cannot bump the generations the others
 * read, so nothing they cached may outlive that cap (a revoked permission is refused everywhere
 * within it).
 */
export function createReadCache(cache: Cache, gens: Generations, enabled: boolean, opts: { maxAgeMs?: number } = {}) {
  return {
    enabled,
    maxAgeMs: opts.maxAgeMs,
    async get<T>(key: string, deps: string[], tier: CacheTier, load: () => Promise<T>): Promise<T> {
      if (!enabled) return load();
      const g = await gens.get(deps);
      if (!g) return load();
      const full = `${key}|${g.join(':')}`;
      const hit = await cache.get<T>(full);
      if (hit !== undefined) return hit;
      const value = await load();
      await cache.set(full, value, tier, opts.maxAgeMs);
      return value;
    },

    /** Bumps generations directly (writes that do not go through the unit of work). */
    async bump(keys: string[]): Promise<void> {
      await gens.bump(keys);
    },

    /** Bumps the generations the committed write's domain events name. */
    async invalidate(outbox: Outbox): Promise<void> {
      const keys = new Set<string>();
      for (const m of outbox) {
        if (m.name === 'event.changed') {
          const p = m.payload as { eventId: number; userIds: number[] };
          keys.add(dep.event(p.eventId));
          for (const u of p.userIds) keys.add(dep.user(u));
        } else if (m.name === 'notifications.created') {
          const p = m.payload as { items: { user_id: number }[] };
          for (const i of p.items) keys.add(dep.notifications(i.user_id));
        } else if (m.name === 'access.removed') {
          const p = m.payload as { eventId: number; userId: number };
          keys.add(dep.event(p.eventId));
          keys.add(dep.user(p.userId));
        }
      }
      if (keys.size) await gens.bump([...keys]);
    },
  };
}

export type ReadCache = ReturnType<typeof createReadCache>;
