import type { Transaction } from 'kysely';
import type { DomainEventName, DomainEvents } from '../adapters/bus.js';
import type { Dialect } from '../db/connection.js';
import type { Database, EventRow } from '../db/types.js';
import { summarize, type ChangeAction } from '../domain/changelog.js';
import { AppError } from '../domain/errors.js';
import { toSnapshot, type EventDraft } from '../domain/event-draft.js';
import { changedFields, type SnapshotField } from '../domain/event-snapshot.js';
import type { Role } from '../domain/roles.js';
import { iso } from '../domain/time.js';
import { changesRepository } from '../repositories/changes.repository.js';
import { draftColumns, draftFromRow, eventsRepository } from '../repositories/events.repository.js';
import { notificationsRepository } from '../repositories/notifications.repository.js';
import { permissionsRepository } from '../repositories/permissions.repository.js';
import { versionsRepository } from '../repositories/versions.repository.js';

/** Messages to publish on the bus once the transaction has committed. */
export type Outbox = { name: DomainEventName; payload: DomainEvents[DomainEventName] }[];

export interface WriteContext {
  trx: Transaction<Database>;
  dialect: Dialect;
  actor: { id: number; username: string };
  now: number;
  outbox: Outbox;
}

/** Writes version 1, the owner row and the "created" changelog row of a new event. */
export async function insertEvent(
  ctx: WriteContext,
  draft: EventDraft,
  opts: { summary?: string; permissions?: { user_id: number; role: Role }[] } = {},
): Promise<EventRow> {
  const row = await eventsRepository.insert(ctx.trx, {
    ...draftColumns(draft),
    created_by: ctx.actor.id,
    created_at: ctx.now,
    updated_at: ctx.now,
    version: 1,
    deleted_at: null,
  });
  const permissions = opts.permissions ?? [{ user_id: ctx.actor.id, role: 'OWNER' as const }];
  await permissionsRepository.insertMany(
    ctx.trx,
    permissions.map((p) => ({ event_id: row.id, user_id: p.user_id, role: p.role, created_at: ctx.now, updated_at: ctx.now })),
  );
  await versionsRepository.insert(ctx.trx, { event_id: row.id, version: 1, data: JSON.stringify(toSnapshot(draft)), created_at: ctx.now, created_by: ctx.actor.id });
  ctx.outbox.push({ name: 'event.changed', payload: { eventId: row.id, userIds: permissions.map((p) => p.user_id) } });
  await changesRepository.insert(ctx.trx, {
    event_id: row.id, version: 1, action: 'created', actor_id: ctx.actor.id, target_user_id: null, summary: opts.summary ?? 'created the event',
    changed_fields: '[]', from_version: null, to_version: 1, created_at: ctx.now,
  });
  return row;
}

/**
 * Appends version n+1 when `next` differs from the event's current state: updates the row, stores
 * the full snapshot and a changelog row, and notifies collaborators — all in the caller's
 * transaction. Returns null (and writes nothing) when nothing would change.
 */
export async function appendVersion(
  ctx: WriteContext,
  current: EventRow,
  next: EventDraft,
  action: ChangeAction,
  opts: { summary?: string; extra?: Partial<EventRow>; notify?: { type: string; message: string } } = {},
): Promise<{ row: EventRow; changed: SnapshotField[] } | null> {
  const before = toSnapshot(draftFromRow(current));
  const after = toSnapshot(next);
  const changed = changedFields(before, after);
  if (!changed.length && !opts.extra) return null;
  const version = current.version + 1;
  const row = await eventsRepository.update(ctx.trx, current.id, current.version, {
    ...draftColumns(next),
    ...opts.extra,
    version,
    updated_at: ctx.now,
  });
  if (!row) throw new AppError('PRECONDITION_FAILED', 'The event changed while this request ran; retry', { current_version: current.version + 1 });
  await versionsRepository.insert(ctx.trx, { event_id: current.id, version, data: JSON.stringify(after), created_at: ctx.now, created_by: ctx.actor.id });
  await changesRepository.insert(ctx.trx, {
    event_id: current.id, version, action, actor_id: ctx.actor.id, target_user_id: null,
    summary: opts.summary ?? summarize(changed), changed_fields: JSON.stringify(changed),
    from_version: current.version, to_version: version, created_at: ctx.now,
  });
  await notifyCollaborators(ctx, row, opts.notify?.type ?? `event_${action}`, opts.notify?.message ?? `${ctx.actor.username} ${summarize(changed)} of “${row.title}”`, {
    version, changed_fields: changed,
  });
  return { row, changed };
}

/** Records a changelog row that appends no version (permission changes, delete). */
export async function recordChange(ctx: WriteContext, event: EventRow, action: ChangeAction, summary: string, targetUserId: number | null = null): Promise<void> {
  await changesRepository.insert(ctx.trx, {
    event_id: event.id, version: event.version, action, actor_id: ctx.actor.id, target_user_id: targetUserId,
    summary, changed_fields: '[]', from_version: null, to_version: null, created_at: ctx.now,
  });
}

/**
 * Stores one notification per role holder except the actor (or for the listed users), in the
 * transaction, and queues their push for after the commit.
 */
export async function notifyCollaborators(
  ctx: WriteContext,
  event: EventRow,
  type: string,
  message: string,
  data: Record<string, unknown>,
  recipients?: number[],
): Promise<void> {
  const holders = await permissionsRepository.holders(ctx.trx, event.id);
  const to = (recipients ?? holders).filter((u) => u !== ctx.actor.id);
  // Every current holder's view (and each recipient's, who may just have lost access) is affected.
  ctx.outbox.push({ name: 'event.changed', payload: { eventId: event.id, userIds: [...new Set([...holders, ...(recipients ?? [])])] } });
  if (!to.length) return;
  const rows = await notificationsRepository.insertMany(
    ctx.trx,
    to.map((user_id) => ({
      user_id, type, event_id: event.id, actor_id: ctx.actor.id, message,
      data: JSON.stringify({ event_title: event.title, ...data }), is_read: 0, created_at: ctx.now,
    })),
  );
  ctx.outbox.push({
    name: 'notifications.created',
    payload: {
      items: rows.map((r) => ({
        user_id: r.user_id,
        notification: {
          id: r.id, type: r.type, event_id: r.event_id, actor_id: r.actor_id, message: r.message,
          data: JSON.parse(r.data), is_read: false, created_at: iso(r.created_at),
        },
      })),
    },
  });
}
