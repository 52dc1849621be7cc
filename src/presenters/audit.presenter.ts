import type { AuditRow } from '../db/types.js';
import { iso } from '../domain/time.js';

/** One audit row as the API returns it. */
export function presentAudit(row: AuditRow) {
  return {
    id: row.id,
    action: row.action,
    created_at: iso(row.created_at),
    ip: row.ip,
    outcome: row.outcome,
    event_id: row.event_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}
