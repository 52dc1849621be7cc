import { createLocalBus, type Bus } from './adapters/bus.js';
import { createMemoryCache, type Cache } from './adapters/cache.js';
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
import { createUnitOfWork } from './services/unit-of-work.js';
import { createSharingService } from './services/sharing.service.js';

/** Wires the database, adapters and services with plain factories; one per process (or per test app). */
export async function createContainer(config: Readonly<Config>, log: (err: unknown) => void = () => undefined) {
  const handle: DbHandle = openDatabase(config);
  await migrateToLatest(handle);
  const bus: Bus = createLocalBus(log);
  const cache: Cache = createMemoryCache();
  const tokens = createTokenService(config.jwtSecret, config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds);
  const sessions = createSessionChecker(handle, bus);
  const auth = createAuthService({ handle, tokens, refreshTtlSeconds: config.refreshTokenTtlSeconds, sessions });
  const users = createUsersService(handle);
  const write = createUnitOfWork(handle, bus);
  const events = createEventsService({ handle, write });
  const listing = createEventListing(handle);
  const occurrences = createOccurrencesService({ handle, write });
  const sharing = createSharingService({ handle, write });

  return {
    config,
    handle,
    bus,
    cache,
    tokens,
    auth,
    users,
    events,
    listing,
    occurrences,
    sharing,
    async close() {
      await bus.close();
      await handle.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
