import { createLocalBus, type Bus } from './adapters/bus.js';
import { createMemoryCache, type Cache } from './adapters/cache.js';
import { createMemoryGenerations, createRedisGenerations } from './adapters/generations.js';
import { MemoryCounters, type RateLimitBackend } from './adapters/rate-limit-store.js';
import { connectRedis, waitReady } from './adapters/redis.js';
import { createRedisBus } from './adapters/redis-bus.js';
import { createReadCache } from './services/read-cache.js';
import { createTokenService } from './adapters/tokens.js';
import type { Config } from './config.js';
import { openDatabase, type DbHandle } from './db/connection.js';
import { migrateToLatest } from './db/migrator.js';
import { createAuthService } from './services/auth.service.js';
import { createSessionChecker } from './services/sessions.service.js';
import { createUsersService } from './services/users.service.js';
import { createEventListing } from './services/event-listing.js';
import { createEventsService } from './services/events.service.js';
import { createOccurrencesService } from './services/occurrences.service.js';
import { createHistoryService } from './services/history.service.js';
import { createAuditService } from './services/audit.service.js';
import { createAccessService } from './services/access.js';
import { createUnitOfWork } from './services/unit-of-work.js';
import { createSharingService } from './services/sharing.service.js';
import { createWsHub } from './adapters/ws-hub.js';
import { createNotificationsService } from './services/notifications.service.js';
import { createSyncService } from './services/sync.service.js';
import { createAppPasswordsService } from './services/app-passwords.service.js';
import { createBasicAuth } from './services/basic-auth.service.js';
import { createFailureCounter } from './adapters/failure-counter.js';
import { createDavService } from './services/dav.service.js';
import { createDavWriteService } from './services/dav-write.service.js';
import { createDavFilesService } from './services/dav-files.service.js';
import { createIcalExportService } from './services/ical-export.service.js';
import { createIcalImportService } from './services/ical-import.service.js';
import { createFeedsService } from './services/feeds.service.js';

/** Longest a cached permission map lives with several instances (see read-cache.ts). */
export const SCALED_SECURITY_MAX_AGE_MS = 4_000;
/** How often each instance re-checks the sessions of its open sockets against the database. */
export const SOCKET_SESSION_CHECK_MS = 3_000;

/** Wires the database, adapters and services with plain factories; one per process (or per test app). */
export interface ContainerOptions {
  /** The clock of session ages, the refresh grace and login slowdowns (tests move it forward). */
  now?: () => number;
  /** The clock of read-cache ages (tests move it forward to age entries without waiting). */
  cacheClock?: () => number;
}

export async function createContainer(config: Readonly<Config>, log: (err: unknown) => void = () => undefined, opts: ContainerOptions = {}) {
  const handle: DbHandle = openDatabase(config);
  await migrateToLatest(handle);
  // Scaled mode: Redis carries the bus, the cache generations and the rate-limit counters.
  const redis = config.redisUrl ? { cmd: connectRedis(config.redisUrl, log), sub: connectRedis(config.redisUrl, log) } : null;
  if (redis) await Promise.all([waitReady(redis.cmd), waitReady(redis.sub)]);
  const bus: Bus = redis ? createRedisBus(redis.cmd, redis.sub, log) : createLocalBus(log);
  const cache: Cache = createMemoryCache(undefined, undefined, opts.cacheClock);
  const gens = redis ? createRedisGenerations(redis.cmd, log) : createMemoryGenerations();
  // Scaled mode: a revocation written while its instance lost Redis is enforced everywhere within 4 s.
  const readCache = createReadCache(cache, gens, config.cacheEnabled, { securityMaxAgeMs: redis ? SCALED_SECURITY_MAX_AGE_MS : undefined });
  const rateLimit: RateLimitBackend = { memory: new MemoryCounters(), redis: redis?.cmd ?? null };
  const tokens = createTokenService(config.jwtSecret, config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds);
  const sessions = createSessionChecker(handle, bus, !redis);
  const write = createUnitOfWork(handle, bus, readCache.invalidate);
  const auth = createAuthService({
    handle, write, tokens, refreshTtlSeconds: config.refreshTokenTtlSeconds, sessionMaxAgeSeconds: config.sessionMaxAgeSeconds, sessions, now: opts.now,
    redis: redis?.cmd ?? null,
  });
  const users = createUsersService(handle, readCache);
  const events = createEventsService({ handle, write, rc: readCache });
  const listing = createEventListing(handle, readCache);
  const occurrences = createOccurrencesService({ handle, write, rc: readCache });
  const history = createHistoryService({ handle, write, rc: readCache });
  const audit = createAuditService(handle);
  const access = createAccessService(readCache, handle.db);
  const sharing = createSharingService({ handle, write, rc: readCache });
  const notifications = createNotificationsService({ handle, write, rc: readCache });
  const hub = createWsHub({
    bus, replay: notifications.since, log: (err) => log(err),
    // Scaled mode: a revocation's bus message can be lost (its writer without Redis); re-check.
    ...(redis ? { inactiveSessions: sessions.inactive, sessionCheckMs: SOCKET_SESSION_CHECK_MS } : {}),
  });
  const sync = createSyncService({ handle });
  const appPasswords = createAppPasswordsService({ handle, write, rc: readCache });
  const basicAuth = createBasicAuth({
    handle, gens, failures: createFailureCounter(rateLimit, 'rl:dav-auth-fail:'), maxFailuresPerMinute: config.rateLimitAuthPerMinute,
  });
  const dav = createDavService({ handle, write });
  const davWrite = createDavWriteService({ handle, write, dav, events, sharing });
  const davFiles = createDavFilesService({ handle, write });
  const icalExport = createIcalExportService({ handle, rc: readCache });
  const icalImport = createIcalImportService({ handle, write });
  const feeds = createFeedsService({ handle, exporter: icalExport });

  return {
    config,
    handle,
    bus,
    cache,
    gens,
    readCache,
    rateLimit,
    redis,
    tokens,
    auth,
    users,
    events,
    listing,
    occurrences,
    history,
    audit,
    access,
    sharing,
    notifications,
    hub,
    sync,
    appPasswords,
    basicAuth,
    dav,
    davWrite,
    davFiles,
    icalExport,
    icalImport,
    feeds,
    async close() {
      rateLimit.memory.close();
      await bus.close();
      redis?.cmd.disconnect();
      await handle.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
