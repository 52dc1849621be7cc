import type { Bus } from '../adapters/bus.js';
import type { DbHandle } from '../db/connection.js';
import { lockEvent, lockUsers } from '../db/locks.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { outcomeOfError, unauthorized } from '../domain/errors.js';
import { auditRepository } from '../repositories/audit.repository.js';
import { usersRepository } from '../repositories/users.repository.js';
import type { Outbox, WriteContext } from './event-writer.js';

export interface WriteOptions {
  /** Users whose bookings this write checks (conflict detection): serialised per user. */
  lockUsers?: number[];
  /** Event whose versions this write appends: serialised per event. */
  lockEvent?: number;
  audit?: { action: string; ip: string | null; eventId?: number | null; details?: Record<string, unknown> };
}

/**
 * Runs one state-changing operation as one transaction — the change, its version, notifications
 * and audit row commit together or not at all — then publishes the queued domain events.
 * A failed operation is audited (outside the rolled-back transaction) with its outcome (denied,
 * invalid or error) and the API's error code — never a driver's own code.
 */
export function createUnitOfWork(handle: DbHandle, bus: Bus, onCommitted: (outbox: Outbox) => Promise<void> = async () => undefined) {
  return async function write<T>(actorId: number, opts: WriteOptions, fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
    const outbox: Outbox = [];
    let result: T;
    try {
      result = await handle.db.transaction().execute(async (trx) => {
        if (opts.lockUsers?.length) await lockUsers(trx, handle.dialect, opts.lockUsers);
        if (opts.lockEvent !== undefined) await lockEvent(trx, handle.dialect, opts.lockEvent);
        const actor = await usersRepository.byId(trx, actorId);
        if (!actor) throw unauthorized('User no longer exists');
        const ctx: WriteContext = { trx, dialect: handle.dialect, actor: { id: actor.id, username: actor.username }, now: Date.now(), outbox };
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
    // Caches are invalidated before the response leaves, then subscribers hear of the change.
    await onCommitted(outbox);
    for (const m of outbox) await bus.publish(m.name, m.payload as never);
    return result;
  };
}

export type UnitOfWork = ReturnType<typeof createUnitOfWork>;
