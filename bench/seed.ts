/**
 * `npm run seed -- --users 10000 --events 1000000 [--dir ./data]`: loads a realistic dataset (one-off
 * and recurring events, a third of them shared) into an empty database: SQLite in --dir (default
 * DATA_DIR or ./data), or PostgreSQL when DATABASE_URL is set. Prints a progress bar and a summary.
 */
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { seedDatabase } from './seed-db.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function count(name: string, fallback: number): number {
  const v = Number(arg(name) ?? fallback);
  if (!Number.isSafeInteger(v) || v < 1) {
    process.stderr.write(`seed: --${name} must be a positive integer\n`);
    process.exit(2);
  }
  return v;
}

const users = count('users', 10_000);
const events = count('events', 1_000_000);
const databaseUrl = process.env.DATABASE_URL?.trim() || null;
const dataDir = resolve(arg('dir') ?? process.env.DATA_DIR ?? './data');
if (!databaseUrl) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
try {
  const s = await seedDatabase({ users, events, dataDir, databaseUrl, progress: true });
  const where = databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${dataDir}`;
  process.stdout.write(`seeded ${where} in ${s.seconds.toFixed(1)} s (${Math.round(events / s.seconds)} events/s)\n`);
  for (const [table, n] of Object.entries(s.rows)) process.stdout.write(`  ${table.padEnd(18)} ${n.toLocaleString('en-US').padStart(12)} rows\n`);
  process.stdout.write('  every user\'s password is "bench-password"; user "probe" owns the fixed benchmark set\n');
} catch (err) {
  process.stderr.write(`seed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
