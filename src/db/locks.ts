import { sql, type Transaction } from 'kysely';
import type { Dialect } from './connection.js';
import type { Database } from './types.js';

/**
 * Serialises transactions that book time for the same users, so that a conflict check and the write
 * that follows it cannot interleave with another request's. SQLite already runs one write
 * transaction at a time (Kysely's single connection); PostgreSQL takes transaction-scoped advisory
 * locks, in id order so two requests never wait on each other in a cycle.
 */
export async function lockUsers(trx: Transaction<Database>, dialect: Dialect, userIds: number[]): Promise<void> {
  if (dialect !== 'postgres') return;
  const ids = [...new Set(userIds)].sort((a, b) => a - b);
  for (const id of ids) {
    await sql`select pg_advisory_xact_lock(${1}, ${id}::int)`.execute(trx);
  }
}

/** Serialises writers of one event (versions are numbered per event). */
export async function lockEvent(trx: Transaction<Database>, dialect: Dialect, eventId: number): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${2}, ${eventId}::int)`.execute(trx);
}

/** Serialises writers of one user's plain WebDAV folders (quotas are counted, paths are unique). */
export async function lockDavFiles(trx: Transaction<Database>, dialect: Dialect, userId: number): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${3}, ${userId}::int)`.execute(trx);
}
