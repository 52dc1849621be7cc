import { Type } from 'typebox';
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

