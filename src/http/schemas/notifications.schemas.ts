import { Type } from 'typebox';
import type { NotificationRow } from '../../db/types.js';
import { iso } from '../../domain/time.js';
import { Pagination } from './common.schemas.js';

const notificationFields = {
  id: Type.Integer(),
  type: Type.String({ description: 'event_updated, event_deleted, event_restored, event_rolled_back, event_shared, role_changed, access_removed, …' }),
  event_id: Type.Union([Type.Integer(), Type.Null()]),
  actor_id: Type.Union([Type.Integer(), Type.Null()]),
  message: Type.String(),
  data: Type.Object({}, { additionalProperties: true, description: 'Type-specific details (event_title, version, changed_fields, role, …)' }),
  created_at: Type.String({ format: 'date-time' }),
};

export const NotificationSchema = Type.Object({ ...notificationFields, is_read: Type.Boolean() });

export const NotificationListQuery = Type.Object(
  { unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })), ...Pagination },
  { additionalProperties: false },
);

export const NotificationListResponse = Type.Object({
  total: Type.Integer({ description: 'Notifications matching the filter' }),
  unread: Type.Integer({ description: 'All unread notifications of the caller' }),
  items: Type.Array(NotificationSchema),
});

export const NotificationSocketQuery = Type.Object(
  {
    token: Type.Optional(Type.String({ maxLength: 4096, description: 'Access token (browsers cannot set headers on a WebSocket)' })),
    since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Replay stored notifications with a greater id first' })),
  },
  { additionalProperties: false },
);

/** A stored notification as the REST API returns it. */
export function presentNotification(row: NotificationRow) {
  return {
    id: row.id,
    type: row.type,
    event_id: row.event_id,
    actor_id: row.actor_id,
    message: row.message,
    data: JSON.parse(row.data) as Record<string, unknown>,
    is_read: row.is_read === 1,
    created_at: iso(row.created_at),
  };
}

export type PresentedNotification = ReturnType<typeof presentNotification>;
