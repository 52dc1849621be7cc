import type { Static } from 'typebox';
import type { DbHandle } from '../db/connection.js';
import type { EventUpdateBody } from '../schemas/events.schemas.js';
import type { EventRow, PermissionWithUser } from '../db/types.js';
import type { Role } from '../domain/roles.js';
import { AppError, conflict, notFound } from '../domain/errors.js';
import { applyInput, fromSnapshot, type EventDraft, type EventInput } from '../domain/event-draft.js';
import { fieldsChangedByOthers, threeWayMerge } from '../domain/event-merge.js';
import { parseWindow } from '../domain/event-window.js';
import { MAX_SPAN_MS } from '../domain/limits.js';
import { draftColumns, draftFromRow, eventsRepository } from '../repositories/events.repository.js';
import { versionsRepository } from '../repositories/versions.repository.js';
import { presentEvent, presentEventView } from '../presenters/event.presenter.js';
import { checkPrecondition, requireRole, requireRoleCached } from './access.js';
import type { ReadCache } from './read-cache.js';
import { presentWithPermissions } from './event-view.js';
import { findConflicts, overlappingPairs, prepareDrafts, rejectConflicts } from './conflicts.js';
import { appendVersion, insertEvent, notifyCollaborators, recordChange } from './event-writer.js';
import { beforeWrite, type UnitOfWork, type WriteContext } from './unit-of-work.js';
import { createSlicer, DRAFT_WORK, type Slicer } from './work-slices.js';

export interface WriteFlags {
  checkConflicts: boolean;
  ip: string | null;
}

/** An update as its schema admits it: the event's writable fields and `base_version` for a merge. */
export type UpdateInput = Static<typeof EventUpdateBody>;

/**
 * Validates every event of a batch, collecting all errors (each named by its index) before failing.
 * Validating a recurring draft walks its rule, so the loop gives the event loop turns in between.
 */
async function draftsOf(inputs: EventInput[], slicer: Slicer): Promise<EventDraft[]> {
  const drafts: EventDraft[] = [];
  const errors: { field: string; message: string }[] = [];
  for (let i = 0; i < inputs.length; i++) {
    try {
      drafts.push(applyInput(null, inputs[i], `events[${i}]`));
    } catch (err) {
      if (err instanceof AppError && Array.isArray(err.extra.errors)) errors.push(...(err.extra.errors as typeof errors));
      else throw err;
    }
    await slicer.did(DRAFT_WORK);
  }
  if (errors.length) throw new AppError('VALIDATION_ERROR', 'One or more events are invalid; nothing was created', { errors });
  return drafts;
}

/** 409 when a UID a client chose is already one of the creator's events (or repeats inside a batch). */
async function checkUids(ctx: WriteContext, drafts: EventDraft[], inputs: EventInput[]): Promise<void> {
  const chosen = inputs.map((input, i) => (input.uid !== undefined ? drafts[i].uid : null));
  const seen = new Map<string, number>();
  chosen.forEach((uid, i) => {
    if (uid === null) return;
    if (seen.has(uid)) throw conflict(`events[${i}].uid repeats events[${seen.get(uid)}].uid`, { uid });
    seen.set(uid, i);
  });
  const taken = await eventsRepository.byCreatorUids(ctx.trx, ctx.actor.id, [...seen.keys()]);
  if (taken.length) throw conflict(`An event with UID "${taken[0].uid}" already exists (event ${taken[0].id})`, { uid: taken[0].uid, event_id: taken[0].id });
}

export function createEventsService(deps: { handle: DbHandle; write: UnitOfWork; rc: ReadCache }) {
  const { handle, write, rc } = deps;
  const { db } = handle;

  /*
   * The presented view of a cached event row, per role, kept while the cache holds that row and
   * permission list (the in-process cache hands out the same immutable objects until a write
   * replaces them): a warm GET skips presenting and hashing the ETag again. Rows read from Redis
   * or the database are new objects and simply miss.
   */
  const views = new WeakMap<EventRow, { permissions: PermissionWithUser[]; byRole: Map<Role, ReturnType<typeof presentEventView>> }>();
  function currentView(event: EventRow, role: Role, permissions: PermissionWithUser[]) {
    let entry = views.get(event);
    if (!entry || entry.permissions !== permissions) views.set(event, (entry = { permissions, byRole: new Map() }));
    let view = entry.byRole.get(role);
    if (!view) entry.byRole.set(role, (view = presentEventView(event, role, permissions)));
    return view;
  }

  /** Checks, merges and applies an update in the caller's transaction; shared by PUT and PATCH. */
  async function applyUpdate(ctx: WriteContext, id: number, input: UpdateInput, flags: WriteFlags, expectedVersion?: number) {
    const { event, role } = await requireRole(ctx.trx, id, ctx.actor.id, 'EDITOR');
    checkPrecondition(event, expectedVersion);
    const { base_version, ...fields } = input;
    let effective: EventInput = fields;
    if (base_version !== undefined && base_version !== event.version) {
      const base = await versionsRepository.get(ctx.trx, id, base_version);
      if (!base || base_version > event.version) {
        throw new AppError('VALIDATION_ERROR', 'base_version is not a version of this event', { errors: [{ field: 'base_version', message: 'unknown version' }] });
      }
      const steps = await versionsRepository.between(ctx.trx, id, base_version, event.version);
      effective = threeWayMerge(JSON.parse(base.data), draftFromRow(event), fields, fieldsChangedByOthers(steps, ctx.actor.id));
    }
    const current = draftFromRow(event);
    const next = applyInput(current, effective);
    // Only a change of time can create a clash; an edit of the title of an already overlapping event must not fail.
    const timeChanged = next.start !== current.start || next.end !== current.end || next.timezone !== current.timezone || next.rrule !== current.rrule;
    const conflicts = timeChanged ? await findConflicts(ctx.trx, ctx.actor.id, [next], [id]) : [];
    rejectConflicts(conflicts, flags.checkConflicts);
    const res = await appendVersion(ctx, event, next, 'updated');
    return { row: res?.row ?? event, role, conflicts, changed: res?.changed ?? [] };
  }

  return {
    /** Creates an event owned by the actor (version 1). 409 on clashes unless checkConflicts is off. */
    async create(actorId: number, input: EventInput, flags: WriteFlags) {
      // Validation and the draft's own expansion need no transaction: done before it opens.
      const prepared = await beforeWrite(async () => prepareDrafts([applyInput(null, input)]));
      return write(actorId, { lockUsers: [actorId], audit: { action: 'event.create', ip: flags.ip } }, async (ctx) => {
        const p = prepared();
        const draft = p.drafts[0];
        await checkUids(ctx, [draft], [input]);
        const conflicts = await findConflicts(ctx.trx, actorId, p);
        rejectConflicts(conflicts, flags.checkConflicts);
        const row = await insertEvent(ctx, draft);
        const out = await presentWithPermissions(ctx.trx, row, 'OWNER');
        return { id: row.id, ...out, conflicts };
      });
    },

    /** Creates 1–100 events in one transaction: all or nothing; errors name the index. */
    async batch(actorId: number, inputs: EventInput[], flags: WriteFlags) {
      // Up to 100 series' first years: expanded in slices before the transaction opens.
      const slicer = createSlicer();
      const prepared = await beforeWrite(async () => prepareDrafts(await draftsOf(inputs, slicer), slicer));
      return write(actorId, { lockUsers: [actorId], audit: { action: 'event.batch_create', ip: flags.ip, details: { count: inputs.length } } }, async (ctx) => {
        const p = prepared();
        const drafts = p.drafts;
        await checkUids(ctx, drafts, inputs);
        const conflicts = await findConflicts(ctx.trx, actorId, p);
        rejectConflicts(conflicts, flags.checkConflicts);
        const events = [];
        for (const d of drafts) {
          events.push(presentEvent(await insertEvent(ctx, d), 'OWNER'));
          await slicer.did(DRAFT_WORK);
        }
        return { created: events.length, events, conflicts };
      });
    },

    /** The event with its permission list, as the caller sees it; `asOf` reads it from history. */
    async get(actorId: number, id: number, asOf?: number) {
      const { event, role, permissions } = await requireRoleCached(rc, db, id, actorId, 'VIEWER');
      if (asOf === undefined || asOf >= Date.now()) return currentView(event, role, permissions);
      const v = await versionsRepository.asOf(db, id, asOf);
      if (!v) throw notFound('Event at that time');
      const past: EventRow = { ...event, ...draftColumns(fromSnapshot(JSON.parse(v.data))), version: v.version, updated_at: v.created_at };
      return presentWithPermissions(db, past, role);
    },

    /** Partial update by an editor or owner; a three-way merge when base_version is given. */
    async update(actorId: number, id: number, input: UpdateInput, flags: WriteFlags & { expectedVersion?: number }) {
      return write(actorId, { lockUsers: [actorId], lockEvent: id, audit: { action: 'event.update', ip: flags.ip, eventId: id } }, async (ctx) => {
        const r = await applyUpdate(ctx, id, input, flags, flags.expectedVersion);
        const out = await presentWithPermissions(ctx.trx, r.row, r.role);
        return { ...out, conflicts: r.conflicts };
      });
    },

    /** Soft delete by the owner; history stays and the owner can restore it. */
    async remove(actorId: number, id: number, flags: { ip: string | null; expectedVersion?: number }) {
      await write(actorId, { lockEvent: id, audit: { action: 'event.delete', ip: flags.ip, eventId: id } }, async (ctx) => {
        const { event } = await requireRole(ctx.trx, id, actorId, 'OWNER');
        checkPrecondition(event, flags.expectedVersion);
        const row = await eventsRepository.update(ctx.trx, id, event.version, { deleted_at: ctx.now, updated_at: ctx.now });
        if (!row) throw new AppError('PRECONDITION_FAILED', 'The event changed while this request ran', { current_version: event.version });
        await recordChange(ctx, row, 'deleted', 'deleted the event');
        await notifyCollaborators(ctx, row, 'event_deleted', `${ctx.actor.username} deleted “${row.title}”`, {});
      });
    },

    /**
     * Restores a deleted event (owner): appends a version equal to the last one. Its slot may have
     * been booked meanwhile, so it is conflict-checked like a create (409 unless checkConflicts is off).
     */
    async restore(actorId: number, id: number, flags: WriteFlags) {
      return write(actorId, { lockUsers: [actorId], lockEvent: id, audit: { action: 'event.restore', ip: flags.ip, eventId: id } }, async (ctx) => {
        const { event, role } = await requireRole(ctx.trx, id, actorId, 'OWNER', { allowDeleted: true });
        if (event.deleted_at === null) throw conflict('The event is not deleted');
        const conflicts = await findConflicts(ctx.trx, actorId, [draftFromRow(event)], [id]);
        rejectConflicts(conflicts, flags.checkConflicts);
        const res = await appendVersion(ctx, event, draftFromRow(event), 'restored', {
          summary: 'restored the event',
          extra: { deleted_at: null },
          notify: { type: 'event_restored', message: `${ctx.actor.username} restored “${event.title}”` },
        });
        return { ...(await presentWithPermissions(ctx.trx, res!.row, role)), conflicts };
      });
    },

    /** Pairs of the caller's events overlapping inside a window of at most 366 days. */
    async conflicts(actorId: number, start: string, end: string) {
      const { ws, we } = parseWindow(start, end, true, MAX_SPAN_MS);
      return overlappingPairs(db, actorId, ws!, we!);
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
