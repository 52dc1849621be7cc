import { Migrator } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { DbHandle } from './connection.js';

/** Applies every pending migration; throws when one fails (start-up stops). */
export async function migrateToLatest(handle: DbHandle): Promise<void> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
