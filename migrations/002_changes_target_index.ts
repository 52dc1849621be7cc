import type { Kysely } from 'kysely';

/* Sync looks up "access removed" rows by the user they target. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('event_changes_target_idx').on('event_changes').columns(['target_user_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('event_changes_target_idx').execute();
}
