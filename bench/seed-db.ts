import { hash } from '@node-rs/argon2';
import cliProgress from 'cli-progress';
import { sql, type Transaction } from 'kysely';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { Database } from '../src/db/types.js';
import { backgroundRows, memoiseZoneOffsets, probeRows, prng, userRows, type EventRows } from './seed-rows.js';

/*
 * Loads a dataset into an empty database (SQLite in a data folder, or PostgreSQL): the app's own
 * migrations first, then users and events in bulk multi-row inserts, a few thousand events per
 * transaction. Ids are written explicitly (rows refer to each other); PostgreSQL's sequences are
 * moved past them afterwards so the app's own inserts continue from there.
 */

export interface SeedOptions {
  users: number;
  events: number;
  dataDir: string;
  databaseUrl?: string | null;
  /** Show a progress bar (the CLI); the benchmark seeds quietly. */
  progress?: boolean;
}

export interface SeedSummary {
  users: number;
  events: number;
  rows: Record<string, number>;
  seconds: number;
}

const EVENTS_PER_TRANSACTION = 5000;
/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 30_000;

async function insertRows<T extends keyof Database>(trx: Transaction<Database>, table: T, rows: readonly object[], counts: Record<string, number>): Promise<void> {
  if (!rows.length) return;
  const per = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(rows[0]).length));
  for (let i = 0; i < rows.length; i += per) {
    await trx.insertInto(table).values(rows.slice(i, i + per) as never).execute();
  }
  counts[table] = (counts[table] ?? 0) + rows.length;
}

async function insertEventRows(trx: Transaction<Database>, r: EventRows, counts: Record<string, number>): Promise<void> {
  // Parents first: foreign keys are enforced.
  for (const t of ['events', 'event_permissions', 'event_versions', 'event_changes', 'notifications', 'audit_log'] as const) await insertRows(trx, t, r[t], counts);
}

/** Seeds an empty database; throws when it already holds users. */
export async function seedDatabase(o: SeedOptions): Promise<SeedSummary> {
  if (o.users < 2) throw new Error('--users must be at least 2 (the probe and one more)');
  const t0 = performance.now();
  memoiseZoneOffsets();
  const handle = openDatabase({ databaseUrl: o.databaseUrl ?? null, dataDir: o.dataDir });
  const counts: Record<string, number> = {};
  const bar = o.progress ? new cliProgress.SingleBar({ format: 'seeding {bar} {percentage}% | {value}/{total} events | {duration_formatted} elapsed, ETA {eta_formatted}' }, cliProgress.Presets.shades_classic) : null;
  try {
    await migrateToLatest(handle);
    const existing = await handle.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    if (Number(existing?.n ?? 0) > 0) throw new Error('the database already holds users; seed an empty one');
    const now = Date.now();
    // One real argon2id hash of "bench-password" for everyone: a seeded user can log in like any other.
    const passwordHash = await hash('bench-password', { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    for (let from = 1; from <= o.users; from += 20_000) {
      const to = Math.min(o.users, from + 19_999);
      const { users, sessions } = userRows(from, to, passwordHash, now);
      await handle.db.transaction().execute(async (trx) => {
        await insertRows(trx, 'users', users, counts);
        await insertRows(trx, 'sessions', sessions, counts);
      });
    }
    bar?.start(o.events, 0);
    const probe = probeRows(now);
    const probeCount = Math.min(o.events, probe.events.length);
    if (probeCount < probe.events.length) throw new Error(`--events must be at least ${probe.events.length} (the probe user's fixed set)`);
    await handle.db.transaction().execute((trx) => insertEventRows(trx, probe, counts));
    bar?.update(probeCount);
    const rand = prng(o.users * 31 + o.events);
    for (let from = probeCount + 1; from <= o.events; from += EVENTS_PER_TRANSACTION) {
      const to = Math.min(o.events, from + EVENTS_PER_TRANSACTION - 1);
      const rows = backgroundRows(from, to, o.users, now, rand);
      await handle.db.transaction().execute((trx) => insertEventRows(trx, rows, counts));
      bar?.update(to);
    }
    bar?.stop();
    if (handle.dialect === 'postgres') {
      for (const t of ['users', 'events', 'event_versions', 'event_changes', 'notifications', 'audit_log']) {
        await sql`select setval(pg_get_serial_sequence(${t}, 'id'), (select coalesce(max(id), 1) from ${sql.table(t)}))`.execute(handle.db);
      }
    }
    await sql`analyze`.execute(handle.db);
    return { users: o.users, events: o.events, rows: counts, seconds: (performance.now() - t0) / 1000 };
  } finally {
    bar?.stop();
    await handle.close();
  }
}
