import type { Notification } from './notification.js';

/**
 * What the bus carries, by event name, each with its payload type. Published by the unit of work
 * after a commit (and by the session checker); every name here has a subscriber.
 */
export interface DomainEvents {
  /** A session was revoked (logout, refresh-token reuse): drop it from every cache, close its sockets. */
  'session.revoked': { sessionId: string };
  /** Stored notifications to push to the recipients' connected sockets. */
  'notifications.created': { items: { user_id: number; notification: Notification }[] };
  /** A user's access to an event was removed: their sockets must stop hearing about it. */
  'access.removed': { eventId: number; userId: number };
}

export type DomainEventName = keyof DomainEvents;

/** One bus message: a name with its own payload type (a union over the names, so the pair always agrees). */
export type DomainMessage = { [K in DomainEventName]: { name: K; payload: DomainEvents[K] } }[DomainEventName];
