import type { ChangeWithActor } from '../db/types.js';
import { iso } from '../domain/time.js';

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
