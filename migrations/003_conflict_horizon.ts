import { sql, type Kysely } from 'kysely';

/*
 * Conflict checks find their candidates by index from each series' first start (`start_time`) and
 * last end (`series_end`, NULL for an endless series). This index serves the "last end after the
 * horizon starts" half of that lookup; the backfill makes every one-off event's last end its end
 * (rows written before the column was maintained everywhere). Recurring rows keep their value:
 * NULL there means "endless", which is always a safe bound. Frozen in time: no application imports.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update events set series_end = end_time where is_recurring = 0 and (series_end is null or series_end <> end_time)`.execute(db);
  await db.schema.createIndex('events_series_end_idx').on('events').columns(['series_end', 'start_time']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_series_end_idx').execute();
}
