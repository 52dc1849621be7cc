/**
 * The domain-event bus: services publish after their transaction commits; notifications pushes,
 * cache invalidation and session revocation are subscribers. The local bus delivers in process;
 * the Redis bus (redis-bus.ts) also delivers to every other instance.
 */
export interface DomainEvents {
  /** A session was revoked (logout, refresh-token reuse): drop it from every cache. */
  'session.revoked': { sessionId: string };
  /** Stored notifications to push to connected sockets. */
  'notifications.created': { items: { user_id: number; notification: Record<string, unknown> }[] };
  /** An event or its permissions changed: caches keyed by these must be dropped. */
  'event.changed': { eventId: number; userIds: number[] };
  /** A user's access to an event was removed: their sockets must stop hearing about it. */
  'access.removed': { eventId: number; userId: number };
}

export type DomainEventName = keyof DomainEvents;
export type Handler<K extends DomainEventName> = (payload: DomainEvents[K]) => void | Promise<void>;

export interface Bus {
  publish<K extends DomainEventName>(name: K, payload: DomainEvents[K]): Promise<void>;
  subscribe<K extends DomainEventName>(name: K, handler: Handler<K>): () => void;
  /** Whether cross-instance delivery currently works (always true for the local bus). */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Dispatches to local subscribers; a failing subscriber never breaks the publisher or the others. */
export class LocalDispatcher {
  private handlers = new Map<string, Set<(p: unknown) => void | Promise<void>>>();
  constructor(private onError: (err: unknown) => void = () => undefined) {}

  subscribe<K extends DomainEventName>(name: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    const h = handler as (p: unknown) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  dispatch(name: string, payload: unknown): void {
    const set = this.handlers.get(name);
    if (!set) return;
    for (const h of set) {
      try {
        const r = h(payload);
        if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(this.onError);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

export function createLocalBus(onError?: (err: unknown) => void): Bus {
  const d = new LocalDispatcher(onError);
  return {
    async publish(name, payload) {
      d.dispatch(name, payload);
    },
    subscribe: (name, handler) => d.subscribe(name, handler),
    healthy: () => true,
    async close() {},
  };
}
