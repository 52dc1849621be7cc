import type { DbHandle } from '../db/connection.js';
import type { Db, EventRow } from '../db/types.js';
import { diffSnapshots } from '../domain/diff.js';
import { notFound } from '../domain/errors.js';
import { fromSnapshot, toSnapshot } from '../domain/event-draft.js';
import { changedFields, readSnapshot } from '../domain/event-snapshot.js';
import type { Role } from '../domain/roles.js';
import { presentChange } from '../presenters/changelog.presenter.js';
import { eventEtag, presentEvent } from '../presenters/event.presenter.js';
import { presentVersion } from '../presenters/history.presenter.js';
import { presentPermissions } from '../presenters/permission.presenter.js';
import { changesRepository } from '../repositories/changes.repository.js';
import { draftFromRow } from '../repositories/events.repository.js';
import { permissionsRepository } from '../repositories/permissions.repository.js';
import { versionsRepository } from '../repositories/versions.repository.js';
import { checkPrecondition, requireLive, requireRole, requireRoleCached } from './access.js';
import type { ReadCache } from './read-cache.js';
import { findConflicts, rejectConflicts } from './conflicts.js';
import { appendVersion } from './event-writer.js';
import type { WriteFlags } from './events.service.js';
import type { UnitOfWork } from './unit-of-work.js';

/** History survives a delete: role holders keep reading it. */
const READ = { allowDeleted: true } as const;

/**
 * History of an event: its versions (full snapshots), the changelog, diffs between any two
 * versions, and rollback (which appends a version; history is never rewritten).
 */
export function createHistoryService(deps: { handle: DbHandle; write: UnitOfWork; rc: ReadCache }) {
  const { handle, write, rc } = deps;
  const { db } = handle;

  async function version(d: Db, eventId: number, v: number) {
    const row = await versionsRepository.get(d, eventId, v);
    if (!row) throw notFound(`Version ${v} of this event`);
    return row;
  }

  async function presentWithPermissions(row: EventRow, role: Role, d: Db) {
    const permissions = presentPermissions(await permissionsRepository.list(d, row.id));
    return { event: presentEvent(row, role, permissions), etag: eventEtag(row.version, role, permissions) };
  }

  return {
    /** Versions of an event, newest first (viewer+, also once deleted). 404 without a role. */
    async list(actorId: number, id: number, skip: number, limit: number) {
      await requireRoleCached(rc, db, id, actorId, 'VIEWER', READ);
      const { total, rows } = await versionsRepository.list(db, id, skip, limit);
      return { total, items: rows.map(presentVersion) };
    },

    /** One version's snapshot (viewer+). 404 for an unknown version. */
    async get(actorId: number, id: number, v: number) {
      await requireRoleCached(rc, db, id, actorId, 'VIEWER', READ);
      return presentVersion(await version(db, id, v));
    },

    /** The changelog, newest first: one row per change, permission changes and deletes included. */
    async changelog(actorId: number, id: number, skip: number, limit: number) {
      await requireRoleCached(rc, db, id, actorId, 'VIEWER', READ);
      const { total, rows } = await changesRepository.list(db, id, skip, limit);
      return { total, items: rows.map(presentChange) };
    },

    /** Field-by-field differences from version `from` to version `to` (either order). 404 for an unknown version. */
    async diff(actorId: number, id: number, from: number, to: number) {
      await requireRoleCached(rc, db, id, actorId, 'VIEWER', READ);
      // Versions never change, so neither does a diff between two of them.
      return rc.get(`diff:${id}:${from}:${to}`, [], 'long', async () => {
        const a = await version(db, id, from);
        const b = from === to ? a : await version(db, id, to);
        return { event_id: id, from_version: from, to_version: to, changes: diffSnapshots(readSnapshot(a.data), readSnapshot(b.data)) };
      });
    },

    /**
     * Rolls the event back to the state of version `v` (editor+) by appending a new version equal
     * to that snapshot, and notifies collaborators. When the event already has that state nothing
     * is written and `changed` is false. Throws 409 while the event is deleted, 412 on a stale
     * If-Match, 404 for an unknown version, 409 when the restored time clashes with the caller's
     * other events (unless checkConflicts is off).
     */
    async rollback(actorId: number, id: number, v: number, flags: WriteFlags & { expectedVersion?: number }) {
      const audit = { action: 'event.rollback', ip: flags.ip, eventId: id, details: { to_version: v } };
      return write(actorId, { lockUsers: [actorId], lockEvent: id, audit }, async (ctx) => {
        const { event, role } = await requireRole(ctx.trx, id, actorId, 'EDITOR', READ);
        requireLive(event);
        checkPrecondition(event, flags.expectedVersion);
        const target = readSnapshot((await version(ctx.trx, id, v)).data);
        if (!changedFields(toSnapshot(draftFromRow(event)), target).length) {
          return { ...(await presentWithPermissions(event, role, ctx.trx)), conflicts: [], changed: false };
        }
        const draft = fromSnapshot(target);
        const conflicts = await findConflicts(ctx.trx, actorId, [draft], [id]);
        rejectConflicts(conflicts, flags.checkConflicts, 'The restored version overlaps other events in your calendar');
        const res = await appendVersion(ctx, event, draft, 'rolled_back', {
          summary: `rolled back to version ${v}`,
          notify: { type: 'event_rolled_back', message: `${ctx.actor.username} rolled back “${event.title}” to version ${v}` },
        });
        return { ...(await presentWithPermissions(res?.row ?? event, role, ctx.trx)), conflicts, changed: res !== null };
      });
    },
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
