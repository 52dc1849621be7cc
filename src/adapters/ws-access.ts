import type { Notification } from '../domain/notification.js';

/*
 * The per-user access filter of the notification sockets. A user whose access to an event was
 * removed must stop hearing about it, although notifications about the event written before the
 * removal may still be on their way (live, held during a replay, or in the replay itself).
 */

// Notification types of the sharing service: the removal notice itself still reaches the removed
// user, and a new share means they hold a role again.
const REMOVAL_NOTICE = 'access_removed';
const REGRANT_NOTICE = 'event_shared';
const REMOVED_TTL_MS = 5 * 60_000;

/** eventId → when this instance learned the user's access was removed. */
export type RemovedAccess = Map<number, number>;

/** Records that the user lost access to an event, forgetting removals older than the TTL. */
export function recordRemoval(removed: RemovedAccess, eventId: number): void {
  const now = Date.now();
  for (const [id, at] of removed) if (now - at > REMOVED_TTL_MS) removed.delete(id);
  removed.set(eventId, now);
}

/** Whether a message held back for later delivery survives the removal of access to eventId. */
export function survivesRemoval(n: Notification, eventId: number): boolean {
  return n.event_id !== eventId || n.type === REMOVAL_NOTICE;
}

/**
 * Whether a message about an event may still reach a user whose access to it was removed.
 * A message showing the user holds a role again clears the removal.
 */
export function mayReceive(removed: RemovedAccess, n: Notification): boolean {
  if (n.event_id === null) return true;
  const cut = removed.get(n.event_id);
  if (cut === undefined) return true;
  if (n.type === REMOVAL_NOTICE) return true;
  // Written after this instance saw the removal, or a new share: the user holds a role again.
  if (n.type === REGRANT_NOTICE || Date.parse(n.created_at) > cut) {
    removed.delete(n.event_id);
    return true;
  }
  return false;
}
