import type { Transaction } from 'kysely';
import type { Bus } from '../adapters/bus.js';
import type { DbHandle, Dialect } from '../db/connection.js';
import { lockEvent, lockUsers } from '../db/locks.js';
import type { Database } from '../db/types.js';
import type { DomainEventName, DomainEvents, DomainMessage } from '../domain/domain-events.js';
import { outcomeOfError, unauthorized } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { auditRepository } from '../repositories/audit.repository.js';
import { usersRepository } from '../repositories/users.repository.js';

/** Messages to publish on the bus once the transaction has committed. */
export type Outbox = DomainMessage[];

/**
 * What a write changed that cached reads depend on. The unit of work hands it to its `onCommitted`
 * callback (the read cache's invalidation) after the commit and before the write answers, so the
 * writer's next read is fresh; it is not a bus message, because no other instance needs it (the
 * cache generations are shared through Redis in scaled mode).
 */
export interface Touched {
  /** Events whose row, versions or permissions changed. */
  events: Set<number>;
  /** Users whose view of their events changed: the holders of a changed event, and users who lost access. */
  users: Set<number>;
  /** Users who got notifications or read them. */
  notifications: Set<number>;
}

/** What an operation inside `write.anonymous()` works with: the transaction, one clock reading, and what to tell after the commit. */
export interface AnonymousWriteContext {
  trx: Transaction<Database>;
  dialect: Dialect;
  now: number;
  outbox: Outbox;
  touched: Touched;
}

/** What an operation inside `write()` works with: all of the above and the acting user. */
export interface WriteContext extends AnonymousWriteContext {
  actor: { id: number; username: string };
}

export interface WriteOptions {
  /** Users whose bookings this write checks (conflict detection): serialised per user. */
  lockUsers?: number[];
  /** Event whose versions this write appends: serialised per event. */
  lockEvent?: number;
  audit?: { action: string; ip: string | null; eventId?: number | null; details?: Record<string, unknown> };
}

/** Queues a bus message for after the commit (typed: the payload must match the name). */
export function publishAfterCommit<K extends DomainEventName>(ctx: Pick<WriteContext, 'outbox'>, name: K, payload: DomainEvents[K]): void {
  // The signature ties the payload to the name; TypeScript cannot narrow a generic pair to the union itself.
  ctx.outbox.push({ name, payload } as DomainMessage);
}

async function publishAll(bus: Bus, outbox: Outbox): Promise<void> {
  const publish = <K extends DomainEventName>(m: { name: K; payload: DomainEvents[K] }) => bus.publish(m.name, m.payload);
  for (const m of outbox) await publish(m);
}

/**
 * Runs work that needs no transaction (validation, recurrence expansion) before write() opens one,
 * so a long computation never holds the database. Returns a function that gives its result, or
 * throws its error: call it inside write() so a failure is audited like any other.
 */
export async function beforeWrite<T>(work: () => Promise<T>): Promise<() => T> {
  try {
    const value = await work();
    return () => value;
  } catch (err) {
    return () => {
      throw err;
    };
  }
}

/**
 * Runs one state-changing operation as one transaction — the change, its version, notifications
 * and audit row commit together or not at all — then invalidates the read cache (`onCommitted`,
 * with what the write touched) and queues the domain events for publishing on the next turn of
 * the event loop (after the response is on its way).
 * A failed operation is audited (outside the rolled-back transaction) with its outcome (denied,
 * invalid or error) and the API's error code — never a driver's own code.
 */
export function createUnitOfWork(handle: DbHandle, bus: Bus, onCommitted: (touched: Touched) => Promise<void> = async () => undefined) {
  const fresh = (): { outbox: Outbox; touched: Touched } => ({ outbox: [], touched: { events: new Set(), users: new Set(), notifications: new Set() } });

  /**
   * After the commit: caches are invalidated before the response leaves. Subscribers (the WebSocket
   * pushes) hear of the change right after it: once the write has answered, in commit order.
   * Pushing before answering made the response of an update shared with 1,000 connected users wait
   * for 1,000 socket writes. Neither bus rejects (each reports its own failures).
   */
  async function committed(after: { outbox: Outbox; touched: Touched }): Promise<void> {
    await onCommitted(after.touched);
    if (after.outbox.length) setImmediate(() => void publishAll(bus, after.outbox));
  }

  async function write<T>(actorId: number, opts: WriteOptions, fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
    const after = fresh();
    let result: T;
    try {
      result = await handle.db.transaction().execute(async (trx) => {
        const base = { trx, dialect: handle.dialect, now: Date.now(), ...after };
        if (opts.lockUsers?.length) await lockUsers(trx, handle.dialect, opts.lockUsers);
        if (opts.lockEvent !== undefined) await lockEvent(trx, handle.dialect, opts.lockEvent);
        const actor = await usersRepository.byId(trx, actorId);
        if (!actor) throw unauthorized('User no longer exists');
        const ctx: WriteContext = { ...base, actor: { id: actor.id, username: actor.username } };
        const r = await fn(ctx);
        if (opts.audit) {
          await auditRepository.insert(trx, {
            user_id: actorId, action: opts.audit.action, ip: opts.audit.ip, outcome: 'ok',
            event_id: opts.audit.eventId ?? (typeof (r as { id?: unknown })?.id === 'number' ? (r as { id: number }).id : null),
            details: opts.audit.details,
          }, ctx.now);
        }
        return r;
      });
    } catch (err) {
      if (opts.audit) {
        const { outcome, code } = outcomeOfError(err);
        const error = isDatabaseUnavailable(err) ? 'SERVICE_UNAVAILABLE' : code;
        await auditRepository
          .insert(handle.db, { user_id: actorId, action: opts.audit.action, ip: opts.audit.ip, outcome, event_id: opts.audit.eventId ?? null, details: { ...opts.audit.details, error } }, Date.now())
          .catch(() => undefined);
      }
      throw err;
    }
    await committed(after);
    return result;
  }

  /**
   * A write with no signed-in actor yet (registration creates the user it is done for): the same
   * transaction, invalidation and publishing; the operation writes its own audit row.
   */
  write.anonymous = async function anonymous<T>(fn: (ctx: AnonymousWriteContext) => Promise<T>): Promise<T> {
    const after = fresh();
    const result = await handle.db.transaction().execute((trx) => fn({ trx, dialect: handle.dialect, now: Date.now(), ...after }));
    await committed(after);
    return result;
  };
  return write;
}

export type UnitOfWork = ReturnType<typeof createUnitOfWork>;
