import SQLite from 'better-sqlite3';
import { join } from 'node:path';

/*
 * The SQLite side of the seed: better-sqlite3 itself, without Kysely's per-call query building (a
 * third of the seed's time went into parsing row objects and compiling INSERTs). One prepared
 * multi-row INSERT per table and row count, reused for every chunk; the caller wraps big chunks in
 * one transaction. For the bulk load only the journal and fsyncs are off (a crash mid-seed leaves
 * a folder the seed never marks as complete); `finish` puts back the app's WAL journal and NORMAL
 * sync before the app opens the file.
 */

/** Bound parameters per statement: under SQLite's 32,766. */
const MAX_PARAMS = 30_000;
/** Rows per statement: past a few hundred, bigger statements no longer load faster. */
const MAX_ROWS = 400;

export interface SqliteBulk {
  insert(table: string, rows: readonly object[], counts: Record<string, number>): void;
  transaction(fn: () => void): void;
  /** Restores the app's journal mode and sync, runs ANALYZE and closes the file. */
  finish(): void;
  close(): void;
}

export function openSqliteBulk(dataDir: string): SqliteBulk {
  const db = new SQLite(join(dataDir, 'tandem.db'));
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -262144'); // 256 MiB of page cache: the indexes stay in memory while they grow
  db.pragma('temp_store = MEMORY');
  const statements = new Map<string, SQLite.Statement>();
  const columnsOf = new Map<string, string[]>();

  function statement(table: string, columns: string[], n: number): SQLite.Statement {
    const key = `${table}:${n}`;
    let s = statements.get(key);
    if (!s) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      s = db.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${Array(n).fill(tuple).join(',')}`);
      statements.set(key, s);
    }
    return s;
  }

  return {
    insert(table, rows, counts) {
      if (!rows.length) return;
      let columns = columnsOf.get(table);
      if (!columns) columnsOf.set(table, (columns = Object.keys(rows[0])));
      const per = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns.length)));
      const values: unknown[] = [];
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        values.length = 0;
        for (const r of chunk) {
          const rec = r as Record<string, unknown>;
          // Every row of a table must name the same columns: a missing one would silently take its default.
          if (Object.keys(rec).length !== columns.length) throw new Error(`seed: a ${table} row names other columns than ${columns.join(', ')}`);
          for (const c of columns) {
            const v = rec[c];
            if (v === undefined) throw new Error(`seed: ${table}.${c} is missing in a row`);
            values.push(v);
          }
        }
        statement(table, columns, chunk.length).run(values);
      }
      counts[table] = (counts[table] ?? 0) + rows.length;
    },
    transaction(fn) {
      db.transaction(fn)();
    },
    finish() {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec('analyze');
      db.close();
    },
    close() {
      if (db.open) db.close();
    },
  };
}
