import { LRUCache } from 'lru-cache';

/** The cache tiers of the design, each with its time to live. */
export const CACHE_TTL = {
  short: 60_000, // event details, user profiles
  long: 300_000, // event listings, permission maps
  user: 300_000, // per-user: notification counts, preferences
  global: 3_600_000, // settings, static data
} as const;

export type CacheTier = keyof typeof CACHE_TTL;

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries held now, and their approximate size in bytes (as the size cap counts it). */
  entries: number;
  bytes: number;
}

/**
 * A bounded cache of JSON-able values. Nothing is deleted on a write: keys carry the generations
 * of what they depend on (services/read-cache.ts), so a write makes old entries unreachable.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  /** Stores for the tier's time to live, or for `maxTtlMs` when that is shorter. */
  set(key: string, value: unknown, tier: CacheTier, maxTtlMs?: number): Promise<void>;
  stats(): CacheStats;
  healthy(): boolean;
}

/**
 * In-process LRU with a size cap (entries and approximate bytes, measured once when a value is
 * stored); `clock` (ms) replaces the real one for ages. Values are kept as objects, not re-parsed on every hit: callers must treat what they
 * get as immutable (presenters build new objects; nothing mutates a cached value).
 */
export function createMemoryCache(maxEntries = 50_000, maxBytes = 64 * 1024 * 1024, clock?: () => number): Cache {
  const lru = new LRUCache<string, { v: unknown }>({
    max: maxEntries,
    maxSize: maxBytes,
    ttlAutopurge: false,
    // A test's clock (moved by hand) is read on every check, not cached for a millisecond.
    ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
  });
  const stats = { hits: 0, misses: 0 };
  return {
    async get<T>(key: string) {
      const e = lru.get(key);
      if (e === undefined) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      return e.v as T;
    },
    async set(key, value, tier, maxTtlMs) {
      const size = (value === undefined ? 9 : (JSON.stringify(value)?.length ?? 4)) + key.length + 64;
      if (size > maxBytes / 16) return; // one huge value must not flush the whole cache
      lru.set(key, { v: value }, { ttl: Math.min(CACHE_TTL[tier], maxTtlMs ?? Infinity), size });
    },
    stats: () => ({ ...stats, entries: lru.size, bytes: lru.calculatedSize }),
    healthy: () => true,
  };
}
