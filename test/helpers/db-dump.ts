import { sql } from 'kysely';
import type { DbHandle } from '../../src/db/connection.js';

async function tableNames(handle: DbHandle, exclude: string[]): Promise<string[]> {
  const tables = handle.dialect === 'postgres'
    ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(handle.db)).rows
    : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(handle.db)).rows;
  return tables.map((t) => t.name).filter((n) => !exclude.includes(n)).sort();
}

/**
 * A digest of every row of every table (except the excluded ones): on PostgreSQL one query of
 * per-table md5 sums, on SQLite (in process, cheap) the full dump as text. Equal digests, equal content.
 */
export async function fingerprint(handle: DbHandle, exclude: string[] = []): Promise<string> {
  if (handle.dialect !== 'postgres') return JSON.stringify(await dumpDatabase(handle, exclude));
  const names = await tableNames(handle, exclude);
  const parts = names.map((n) => sql`select ${n}::text as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${sql.table(n)} x`);
  const rows = (await sql<{ t: string; h: string }>`${sql.join(parts, sql` union all `)}`.execute(handle.db)).rows;
  return rows.map((r) => `${r.t}:${r.h}`).sort().join(',');
}

/** Every row of every table (except the excluded ones), each table's rows in a stable order, as text. */
export async function dumpDatabase(handle: DbHandle, exclude: string[] = []): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of await tableNames(handle, exclude)) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(handle.db)).rows;
    out[name] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
  }
  return out;
}

/** The tables whose content differs between two dumps, with a count of rows added and removed. */
export function diffDumps(a: Record<string, string[]>, b: Record<string, string[]>): string[] {
  const out: string[] = [];
  for (const t of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = new Set(a[t] ?? []), y = new Set(b[t] ?? []);
    const added = [...y].filter((r) => !x.has(r)), removed = [...x].filter((r) => !y.has(r));
    if (added.length || removed.length) out.push(`${t}: +${added.length} -${removed.length} ${(added[0] ?? removed[0]).slice(0, 300)}`);
  }
  return out;
}
