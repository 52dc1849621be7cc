import type { Static } from 'typebox';
import type { DbHandle } from '../db/connection.js';
import type { OccurrenceBody } from '../schemas/events.schemas.js';
import type { EventRow } from '../db/types.js';
import { AppError, notFound, validationError } from '../domain/errors.js';
import { applyInput, toSeries, type EventDraft } from '../domain/event-draft.js';
import { parseWindow } from '../domain/event-window.js';
import { MAX_EXPANDED, MAX_SPAN_DAYS, MAX_SPAN_MS } from '../domain/limits.js';
import { expandOccurrences, isOriginalOccurrence, occurrencesBetween, splitRefusal, splitSeries, type OccurrenceException } from '../domain/recurrence-expand.js';
import { iso, parseTimestamp, readTimestamp, timestampProblem } from '../domain/time.js';
import { presentEvent } from '../presenters/event.presenter.js';
import { presentOccurrence } from '../presenters/occurrence.presenter.js';
import { presentPermissions } from '../presenters/permission.presenter.js';
import { draftFromRow } from '../repositories/events.repository.js';
import { permissionsRepository } from '../repositories/permissions.repository.js';
import { checkPrecondition, requireRole, requireRoleCached } from './access.js';
import type { ReadCache } from './read-cache.js';
import { presentWithPermissions } from './event-view.js';
import { findConflicts, rejectConflicts } from './conflicts.js';
import { appendVersion, insertEvent } from './event-writer.js';
import type { WriteFlags } from './events.service.js';
import type { UnitOfWork, WriteContext } from './unit-of-work.js';
import { newUid } from '../domain/event-uid.js';
import { allDayEnds } from '../domain/all-day.js';

/** What an occurrence edit may change, as its schema admits it. */
export type OccurrenceInput = Static<typeof OccurrenceBody>;

/** The occurrence key from the path: any RFC 3339 form of the original start instant. */
export function parseOccurrenceKey(key: string): number {
  const ms = parseTimestamp(key);
  if (ms === null) throw validationError([{ field: 'occurrence_start', message: 'must be the RFC 3339 start of an occurrence' }]);
  return ms;
}

function requireOccurrence(event: EventRow, key: number): EventDraft {
  const draft = draftFromRow(event);
  if (!draft.rrule) throw notFound('Occurrence (the event does not recur)');
  if (!isOriginalOccurrence(toSeries(draft), key)) throw notFound('Occurrence');
  return draft;
}

/** Most exceptions (cancelled and changed occurrences together) one series may carry. */
export const MAX_EXCEPTIONS = 1000;

function withException(draft: EventDraft, ex: OccurrenceException): EventDraft {
  const others = draft.exceptions.filter((e) => Date.parse(e.original_start) !== Date.parse(ex.original_start));
  if (others.length >= MAX_EXCEPTIONS) {
    throw validationError([{ field: 'exceptions', message: `a series may have at most ${MAX_EXCEPTIONS} cancelled or changed occurrences; split it (scope=following) or edit the rule` }]);
  }
  const exceptions = [...others, ex].sort((a, b) => Date.parse(a.original_start) - Date.parse(b.original_start));
  return { ...draft, exceptions };
}

export function createOccurrencesService(deps: { handle: DbHandle; write: UnitOfWork; rc: ReadCache }) {
  const { handle, write, rc } = deps;

  async function load(ctx: WriteContext, id: number, key: number, expectedVersion?: number) {
    const { event, role } = await requireRole(ctx.trx, id, ctx.actor.id, 'EDITOR');
    checkPrecondition(event, expectedVersion);
    return { event, role, draft: requireOccurrence(event, key) };
  }

  return {
    /** Occurrences of one event inside a window (at most 366 days), exceptions applied. */
    async list(actorId: number, id: number, start: string | undefined, end: string | undefined) {
      const { event, role } = await requireRoleCached(rc, handle.db, id, actorId, 'VIEWER');
      const { ws, we } = parseWindow(start, end, true, MAX_SPAN_MS);
      const draft = draftFromRow(event);
      const occ = allDayEnds(occurrencesBetween(toSeries(draft), ws!, we!, MAX_EXPANDED), draft);
      return { items: occ.map((o) => presentOccurrence(event, role, o)) };
    },

    /** Cancels one occurrence (editor or owner): a new version with the exception. */
    async cancel(actorId: number, id: number, key: number, flags: { ip: string | null; expectedVersion?: number }) {
      await write(actorId, { lockEvent: id, audit: { action: 'occurrence.cancel', ip: flags.ip, eventId: id, details: { occurrence_start: iso(key) } } }, async (ctx) => {
        const { event, draft } = await load(ctx, id, key, flags.expectedVersion);
        const next = withException(draft, { original_start: iso(key), status: 'cancelled' });
        await appendVersion(ctx, event, next, 'occurrence_cancelled', {
          summary: `cancelled the occurrence of ${iso(key)}`,
          notify: { type: 'occurrence_changed', message: `${ctx.actor.username} cancelled the ${iso(key)} occurrence of “${event.title}”` },
        });
      });
    },

    /** Changes one occurrence's time or fields; conflict-checked like an update. */
    async change(actorId: number, id: number, key: number, input: OccurrenceInput, flags: WriteFlags & { expectedVersion?: number }) {
      return write(actorId, { lockUsers: [actorId], lockEvent: id, audit: { action: 'occurrence.change', ip: flags.ip, eventId: id, details: { occurrence_start: iso(key) } } }, async (ctx) => {
        const { event, role, draft } = await load(ctx, id, key, flags.expectedVersion);
        const prev = draft.exceptions.find((e) => Date.parse(e.original_start) === key);
        const duration = draft.end - draft.start;
        // Times without an offset are wall-clock time in the event's zone.
        const read = (v: string | undefined) => (v === undefined ? undefined : readTimestamp(v, draft.timezone));
        const rs = read(input.start_time), re = read(input.end_time);
        const start = rs ? (rs.ok ? rs.ms : null) : prev?.start_time ? Date.parse(prev.start_time) : key;
        const end = re ? (re.ok ? re.ms : null) : prev?.end_time ? Date.parse(prev.end_time) : (start ?? key) + duration;
        const errors = [];
        if (rs && !rs.ok) errors.push({ field: 'start_time', message: timestampProblem(rs.reason, draft.timezone) });
        if (re && !re.ok) errors.push({ field: 'end_time', message: timestampProblem(re.reason, draft.timezone) });
        if (start !== null && end !== null && end <= start) errors.push({ field: 'end_time', message: 'must be after start_time' });
        if (start !== null && end !== null && end - start > MAX_SPAN_MS) errors.push({ field: 'end_time', message: `an occurrence may last at most ${MAX_SPAN_DAYS} days` });
        if (input.title !== undefined && input.title.trim() === '') errors.push({ field: 'title', message: 'must not be blank' });
        if (errors.length) throw validationError(errors);
        const ex: OccurrenceException = { original_start: iso(key), status: 'changed', start_time: iso(start!), end_time: iso(end!) };
        for (const f of ['title', 'description', 'location'] as const) {
          const v = input[f] !== undefined ? (input[f] ?? '') : prev?.[f];
          if (v !== undefined) ex[f] = v;
        }
        const next = withException(draft, ex);
        const conflicts = await findConflicts(ctx.trx, actorId, [{ ...next, rrule: null, start: start!, end: end!, exceptions: [] }], [id]);
        rejectConflicts(conflicts, flags.checkConflicts, 'The occurrence overlaps other events in your calendar');
        const res = await appendVersion(ctx, event, next, 'occurrence_changed', {
          summary: `changed the occurrence of ${iso(key)}`,
          notify: { type: 'occurrence_changed', message: `${ctx.actor.username} changed the ${iso(key)} occurrence of “${event.title}”` },
        });
        const row = res?.row ?? event;
        return { event: (await presentWithPermissions(ctx.trx, row, role)).event, conflicts };
      });
    },

    /**
     * "This and following": the series ends before the occurrence and a new series (same
     * permissions, its own history) starts there with the changes. 400 at the first occurrence.
     */
    async split(actorId: number, id: number, key: number, input: OccurrenceInput, flags: WriteFlags & { expectedVersion?: number }) {
      return write(actorId, { lockUsers: [actorId], lockEvent: id, audit: { action: 'occurrence.split', ip: flags.ip, eventId: id, details: { occurrence_start: iso(key) } } }, async (ctx) => {
        const { event, role, draft } = await load(ctx, id, key, flags.expectedVersion);
        const refusal = splitRefusal(toSeries(draft), key);
        if (refusal) {
          throw new AppError('BAD_REQUEST', key === draft.start ? 'This is the first occurrence: update the whole series instead' : 'The series cannot be split here', {
            errors: [{ field: 'occurrence_start', message: refusal }],
          });
        }
        const parts = splitSeries(toSeries(draft), key);
        const before: EventDraft = { ...draft, rrule: parts.before.rrule, exceptions: parts.before.exceptions };
        // The following part is a new event: its own UID (a UID names one series).
        const afterBase: EventDraft = { ...draft, uid: newUid(), start: key, end: key + (draft.end - draft.start), rrule: parts.after.rrule, exceptions: parts.after.exceptions };
        const after = applyInput(afterBase, input);
        const conflicts = await findConflicts(ctx.trx, actorId, [after], [id]);
        rejectConflicts(conflicts, flags.checkConflicts, 'The new series overlaps other events in your calendar');
        const res = await appendVersion(ctx, event, before, 'series_split', {
          summary: `split the series at ${iso(key)}`,
          notify: { type: 'occurrence_changed', message: `${ctx.actor.username} changed “${event.title}” from ${iso(key)} on` },
        });
        const permissions = await permissionsRepository.list(ctx.trx, id);
        const created = await insertEvent(ctx, after, {
          summary: `split from event ${id} at ${iso(key)}`,
          permissions: permissions.map((p) => ({ user_id: p.user_id, role: p.role })),
        });
        const createdRole = permissions.find((p) => p.user_id === actorId)?.role ?? role;
        const presented = presentPermissions(permissions);
        return {
          original: presentEvent(res?.row ?? event, role, presented),
          following: presentEvent(created, createdRole, presented),
          conflicts,
        };
      });
    },
  };
}

export type OccurrencesService = ReturnType<typeof createOccurrencesService>;
