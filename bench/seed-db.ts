import { hash } from '@node-rs/argon2';
import cliProgress from 'cli-progress';
import { sql, type Kysely, type Transaction } from 'kysely';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { Database } from '../src/db/types.js';
import { toSnapshot } from '../src/domain/event-draft.js';
import { draftFromRow, eventsRepository } from '../src/repositories/events.repository.js';
import { openSqliteBulk, type SqliteBulk } from './seed-sqlite.js';
import { backgroundRows, memoiseZoneOffsets, probeRows, prng, userRows, type EventRows } from './seed-rows.js';

/*
 * Loads a dataset into an empty database (SQLite in a data folder, or PostgreSQL): the app's own
 * migrations first, then users and events in bulk multi-row inserts, many events per
 * transaction. Ids are written explicitly (rows refer to each other); PostgreSQL's sequences are
 * moved past them afterwards so the app's own inserts continue from there. On SQLite the rows go
 * through better-sqlite3's prepared statements with the journal off (seed-sqlite.ts). At the end a
 * sample of events is read back through the app's repository and row mapper and must equal the
 * snapshot the seed wrote.
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

/** Events per transaction: SQLite commits once per 50,000 (no journal, so a commit is cheap anyway). */
const EVENTS_PER_TRANSACTION = { sqlite: 50_000, postgres: 5000 };
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

// Parents first: foreign keys are enforced.
const EVENT_TABLES = ['events', 'event_permissions', 'event_versions', 'event_changes', 'notifications', 'audit_log'] as const;

/** Writes chunks of rows in one transaction: through Kysely (PostgreSQL) or the SQLite bulk loader. */
type Writer = (tables: [keyof Database, readonly object[]][]) => Promise<void>;

function kyselyWriter(db: Kysely<Database>, counts: Record<string, number>): Writer {
  return (tables) => db.transaction().execute(async (trx) => {
    for (const [t, rows] of tables) await insertRows(trx, t, rows, counts);
  });
}

function sqliteWriter(bulk: SqliteBulk, counts: Record<string, number>): Writer {
  return async (tables) => bulk.transaction(() => {
    for (const [t, rows] of tables) bulk.insert(t, rows, counts);
  });
}

const eventTables = (r: EventRows): [keyof Database, readonly object[]][] => EVENT_TABLES.map((t) => [t, r[t]]);

/** Reads the sampled events back through the app's repository and row mapper: each must be what the seed wrote. */
async function checkSample(db: Kysely<Database>, sample: { id: number; snapshot: string }[]): Promise<void> {
  for (const s of sample) {
    const row = await eventsRepository.byId(db, s.id);
    if (!row) throw new Error(`seed check: event ${s.id} is missing`);
    const read = JSON.stringify(toSnapshot(draftFromRow(row)));
    if (read !== s.snapshot) throw new Error(`seed check: event ${s.id} reads back as ${read}, seeded ${s.snapshot}`);
  }
}

/** Seeds an empty database; throws when it already holds users. */
export async function seedDatabase(o: SeedOptions): Promise<SeedSummary> {
  if (o.users < 2) throw new Error('--users must be at least 2 (the probe and one more)');
  const t0 = performance.now();
  memoiseZoneOffsets();
  let handle = openDatabase({ databaseUrl: o.databaseUrl ?? null, dataDir: o.dataDir });
  let handleOpen = true;
  let bulk: SqliteBulk | null = null;
  const counts: Record<string, number> = {};
  const sample: { id: number; snapshot: string }[] = [];
  const bar = o.progress ? new cliProgress.SingleBar({ format: 'seeding {bar} {percentage}% | {value}/{total} events | {duration_formatted} elapsed, ETA {eta_formatted}' }, cliProgress.Presets.shades_classic) : null;
  try {
    await migrateToLatest(handle);
    const existing = await handle.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    if (Number(existing?.n ?? 0) > 0) throw new Error('the database already holds users; seed an empty one');
    const dialect = handle.dialect;
    let write: Writer;
    if (dialect === 'sqlite') {
      await handle.close();
      handleOpen = false;
      bulk = openSqliteBulk(o.dataDir);
      write = sqliteWriter(bulk, counts);
    } else write = kyselyWriter(handle.db, counts);
    const now = Date.now();
    // One real argon2id hash of "bench-password" for everyone: a seeded user can log in like any other.
    const passwordHash = await hash('bench-password', { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    for (let from = 1; from <= o.users; from += 20_000) {
      const to = Math.min(o.users, from + 19_999);
      const { users, sessions } = userRows(from, to, passwordHash, now);
      await write([['users', users], ['sessions', sessions]]);
    }
    bar?.start(o.events, 0);
    const probe = probeRows(now);
    const probeCount = Math.min(o.events, probe.events.length);
    if (probeCount < probe.events.length) throw new Error(`--events must be at least ${probe.events.length} (the probe user's fixed set)`);
    await write(eventTables(probe));
    sample.push(...probe.sample);
    bar?.update(probeCount);
    const rand = prng(o.users * 31 + o.events);
    const per = EVENTS_PER_TRANSACTION[dialect];
    for (let from = probeCount + 1; from <= o.events; from += per) {
      const to = Math.min(o.events, from + per - 1);
      // Rows are built in slices of 5,000 events (the same PRNG sequence whatever the transaction size).
      const slices: EventRows[] = [];
      for (let f = from; f <= to; f += 5000) slices.push(backgroundRows(f, Math.min(to, f + 4999), o.users, now, rand));
      await write(slices.flatMap(eventTables));
      for (const r of slices) sample.push(...r.sample);
      bar?.update(to);
    }
    bar?.stop();
    if (bulk) {
      bulk.finish();
      bulk = null;
      handle = openDatabase({ databaseUrl: null, dataDir: o.dataDir });
      handleOpen = true;
    } else {
      for (const t of ['users', 'events', 'event_versions', 'event_changes', 'notifications', 'audit_log']) {
        await sql`select setval(pg_get_serial_sequence(${t}, 'id'), (select coalesce(max(id), 1) from ${sql.table(t)}))`.execute(handle.db);
      }
      await sql`analyze`.execute(handle.db);
    }
    await checkSample(handle.db, sample);
    return { users: o.users, events: o.events, rows: counts, seconds: (performance.now() - t0) / 1000 };
  } finally {
    bar?.stop();
    bulk?.close();
    if (handleOpen) await handle.close();
  }
}
