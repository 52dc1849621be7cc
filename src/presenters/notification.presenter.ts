import type { NotificationRow } from '../db/types.js';
import { iso } from '../domain/time.js';

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
