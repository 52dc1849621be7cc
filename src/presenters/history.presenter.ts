import type { VersionWithAuthor } from '../db/types.js';
import type { Snapshot } from '../domain/event-snapshot.js';
import { iso } from '../domain/time.js';

/** A stored snapshot; `exceptions` defaults to [] and `all_day` to false so every version has the same shape. */
export function readSnapshot(data: string): Snapshot {
  const s = JSON.parse(data) as Snapshot;
  return { ...s, exceptions: s.exceptions ?? [], uid: s.uid ?? '', all_day: s.all_day ?? false };
}

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
