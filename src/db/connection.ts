import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ensureDataDir, type Config } from '../config.js';
import type { Database } from './types.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DbHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Whether the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the database the configuration names: PostgreSQL for DATABASE_URL, else SQLite in DATA_DIR. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): DbHandle {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  ensureDataDir(config.dataDir);
  const file = join(config.dataDir, 'tandem.db');
  privateFile(file);
  return openSqlite(file);
}

/**
 * The database file readable by the service's user only. SQLite gives its -wal and -shm files the
 * database file's permissions when it creates them; ones left by an older start are tightened too.
 */
function privateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Kysely prepares every query anew; preparing is a measurable share of a request on SQLite. Reuse
 * prepared statements by SQL text (bounded: texts with variable IN-lists are not all kept).
 */
function cacheStatements(sqlite: SQLite.Database, max = 2000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  (sqlite as { prepare: (sql: string) => SQLite.Statement }).prepare = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = prepare(sql);
      if (cache.size < max) cache.set(sql, stmt);
    }
    return stmt;
  };
}

function openSqlite(file: string): DbHandle {
  const sqlite = new SQLite(file);
  // WAL keeps readers off the writer's back; NORMAL sync survives a process kill (not a power cut).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    async ping() {
      try {
        sqlite.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

// int8 (bigint) columns hold epoch milliseconds and ids, all well inside 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

function openPostgres(url: string): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A dropped connection must not crash the process: idle ones report to the pool, and a client
  // that loses its server between two queries of a checked-out transaction emits on itself (the
  // next query fails and is answered 503).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
