import type { DomainEventName, DomainEvents } from '../domain/domain-events.js';

/**
 * The domain-event bus (payload types per name in domain/domain-events.ts): the unit of work
 * publishes after its transaction commits; the WebSocket hub and the session checker subscribe.
 * The read cache is not a subscriber: the unit of work invalidates it directly, before the write
 * answers (see unit-of-work.ts). The local bus delivers in process; the Redis bus (redis-bus.ts)
 * also delivers to every other instance.
 */
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
