import { LRUCache } from 'lru-cache';
import type { Bus } from '../adapters/bus.js';
import type { DbHandle } from '../db/connection.js';
import { sessionsRepository } from '../repositories/sessions.repository.js';
import type { SessionChecker } from './auth.service.js';

/**
 * Answers "is this session still live?" for every authenticated request. Live answers are cached
 * briefly per instance; a revocation drops the entry here and, through the bus, on every other
 * instance. With several instances (`cacheable` false) every check reads the database, so a
 * logout on one instance is refused by all of them on the very next request.
 */
export function createSessionChecker(handle: DbHandle, bus: Bus, cacheable = true): SessionChecker {
  const live = new LRUCache<string, true>({ max: 100_000, ttl: 30_000 });
  bus.subscribe('session.revoked', ({ sessionId }) => {
    live.delete(sessionId);
  });
  return {
    async isActive(sessionId) {
      const useCache = cacheable && bus.healthy();
      if (useCache && live.get(sessionId)) return true;
      const s = await sessionsRepository.byId(handle.db, sessionId);
      const ok = !!s && s.revoked_at === null && s.expires_at > Date.now();
      if (ok && useCache) live.set(sessionId, true);
      return ok;
    },
    async inactive(ids) {
      return sessionsRepository.inactiveAmong(handle.db, ids, Date.now());
    },
    async forget(sessionId) {
      live.delete(sessionId);
      await bus.publish('session.revoked', { sessionId });
    },
  };
}
