import type { Snapshot } from '../../domain/event-snapshot.js';
import { iso } from '../../domain/time.js';
import type { ChangeWithActor } from '../../repositories/changes.repository.js';
import type { VersionWithAuthor } from '../../repositories/versions.repository.js';

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

/** One changelog row; `diff` names the two versions to compare, or is null when no version was appended. */
export function presentChange(row: ChangeWithActor) {
  return {
    version: row.version,
    action: row.action,
    created_at: iso(row.created_at),
    actor: { id: row.actor_id, username: row.username },
    target_user: row.target_user_id !== null && row.target_username !== null ? { id: row.target_user_id, username: row.target_username } : null,
    summary: row.summary,
    changed_fields: JSON.parse(row.changed_fields) as string[],
    diff: row.from_version !== null && row.to_version !== null ? { from_version: row.from_version, to_version: row.to_version } : null,
  };
}
