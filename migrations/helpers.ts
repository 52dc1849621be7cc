import { type Kysely, PostgresAdapter, sql } from 'kysely';

/** Whether the migration runs on PostgreSQL (ids and big integers differ from SQLite). */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-increment integer primary key type for the dialect. */
export function idType(db: Kysely<any>) {
  return isPostgres(db) ? sql`bigserial` : sql`integer`;
}

/** Epoch-millisecond timestamps and other large integers. */
export function bigintType(db: Kysely<any>) {
  return isPostgres(db) ? sql`bigint` : sql`integer`;
}
