import type { VersionWithAuthor } from '../db/types.js';
import { readSnapshot } from '../domain/event-snapshot.js';
import { iso } from '../domain/time.js';

/** One history entry: `{event_id, version, data, created_at, created_by: {id, username}}`. */
export function presentVersion(row: VersionWithAuthor) {
  return {
    event_id: row.event_id,
    version: row.version,
    data: readSnapshot(row.data),
    created_at: iso(row.created_at),
    created_by: { id: row.created_by, username: row.username },
  };
}
