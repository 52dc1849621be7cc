import { Type } from 'typebox';
import type { AuditRow } from '../../db/types.js';
import { iso } from '../../domain/time.js';
import { Timestamp } from './common.schemas.js';

export const AuditItem = Type.Object({
  id: Type.Integer(),
  action: Type.String({ description: 'e.g. auth.login, event.update, event.rollback' }),
  created_at: Timestamp,
  ip: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String({ description: 'success or failure' }),
  event_id: Type.Union([Type.Integer(), Type.Null()]),
  details: Type.Object({}, { additionalProperties: true }),
});

export const AuditList = Type.Object({ total: Type.Integer(), items: Type.Array(AuditItem) });

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
