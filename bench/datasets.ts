import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTokenService } from '../src/adapters/tokens.js';
import { BENCH_SECRET, tempDataDir, WORKSPACE } from './lib.js';
import { seedDatabase, type SeedSummary } from './seed-db.js';
import { sessionIdOf } from './seed-rows.js';

/*
 * Seeded SQLite data folders, cached under bench/.data (git-ignored): seeding a million events
 * takes minutes, so a run reuses a folder that a previous run completed (marked by seeded.json).
 * Scenarios that write get a copy; read-only ones use the cached folder itself.
 */
const ROOT = join(WORKSPACE, 'bench/.data');

export async function dataset(users: number, events: number): Promise<{ dir: string; summary: SeedSummary; cached: boolean }> {
  const dir = join(ROOT, `sqlite-u${users}-e${events}`);
  const marker = join(dir, 'seeded.json');
  if (existsSync(marker)) return { dir, summary: JSON.parse(readFileSync(marker, 'utf8')), cached: true };
  mkdirSync(ROOT, { recursive: true, mode: 0o700 });
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { mode: 0o700 });
  process.stdout.write(`seeding ${users} users and ${events} events into ${dir} (cached for later runs)…\n`);
  const summary = await seedDatabase({ users, events, dataDir: work, progress: process.stdout.isTTY });
  writeFileSync(join(work, 'seeded.json'), JSON.stringify(summary));
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  process.stdout.write(`seeded in ${summary.seconds.toFixed(0)} s\n`);
  return { dir, summary, cached: false };
}

/** A private copy of a seeded folder, for scenarios that write. */
export function copyOf(dir: string): string {
  const to = tempDataDir();
  cpSync(dir, to, { recursive: true });
  return to;
}

const tokens = createTokenService(BENCH_SECRET, 86_400, 86_400);
/** An access token for a seeded user (its seeded session), signed with the secret the bench servers run with. */
export function seededToken(userId: number): string {
  return tokens.signAccess(userId, sessionIdOf(userId));
}
