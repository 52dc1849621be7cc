import { Type } from 'typebox';
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

