import type { NotificationRow } from '../db/types.js';
import type { Notification } from '../domain/notification.js';
import { iso } from '../domain/time.js';

/** A stored notification as the bus carries it and the socket pushes it. */
export function presentNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    type: row.type,
    event_id: row.event_id,
    actor_id: row.actor_id,
    message: row.message,
    data: JSON.parse(row.data) as Record<string, unknown>,
    created_at: iso(row.created_at),
  };
}

/** A stored notification as the REST API lists it: the same, with whether it was read. */
export function presentListedNotification(row: NotificationRow) {
  const { created_at, ...n } = presentNotification(row);
  return { ...n, is_read: row.is_read === 1, created_at };
}
