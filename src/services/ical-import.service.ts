import type { DbHandle } from '../db/connection.js';
import type { EventRow } from '../db/types.js';
import { AppError } from '../domain/errors.js';
import { atLeast } from '../domain/roles.js';
import { changedFields } from '../domain/event-snapshot.js';
import { NotICalendarError, parseCalendarAsync, TooManyEventsError, type ParseError } from '../ical/index.js';
import { eventsRepository } from '../repositories/events.repository.js';
import { permissionsRepository } from '../repositories/permissions.repository.js';
import { prepareDrafts, type ConflictItem } from './conflicts.js';
import { createImportConflicts } from './import-conflicts.js';
import { createSlicer, DRAFT_WORK } from './work-slices.js';
import { toSnapshot, type EventDraft } from '../domain/event-draft.js';
import { draftFromRow } from '../repositories/events.repository.js';
import { appendVersion, insertEvent } from './event-writer.js';
import type { UnitOfWork, WriteContext } from './unit-of-work.js';
import { draftOfParsed } from './ical-drafts.js';

/** Most VEVENTs one import may hold (overrides count: they are VEVENTs too). */
export const MAX_IMPORT_VEVENTS = 1000;
/** Largest import body. */
export const MAX_IMPORT_BYTES = 4 * 1_048_576;

export interface ImportFlags {
  checkConflicts: boolean;
  ip: string | null;
  /** Zone for floating times and all-day dates when the file names none. */
  timezone?: string;
}

type Action = 'created' | 'updated' | 'unchanged';

function clashReason(c: ConflictItem): string {
  return `overlaps “${c.title}” (event ${c.event_id}) at ${c.start_time}; import with check_conflicts=false to write it anyway`;
}

/** The same state again (a re-import of an unchanged file): no version, and no conflict check either. */
function isUnchanged(row: EventRow, draft: EventDraft): boolean {
  return row.deleted_at === null && row.ical_extra === (draft.kept ?? row.ical_extra)
    && !changedFields(toSnapshot(draftFromRow(row)), toSnapshot({ ...draft, uid: row.uid })).length;
}

export function createIcalImportService(deps: { handle: DbHandle; write: UnitOfWork }) {
  const { write } = deps;

  /** Writes one draft: a new event, or a new version of the caller's event with that UID. */
  async function upsert(ctx: WriteContext, draft: EventDraft): Promise<{ id: number; action: Action } | { reason: string }> {
    const row = await eventsRepository.byCreatorUid(ctx.trx, ctx.actor.id, draft.uid);
    if (!row) return { id: (await insertEvent(ctx, draft, { summary: 'imported the event' })).id, action: 'created' };
    if (!atLeast(await permissionsRepository.roleOf(ctx.trx, row.id, ctx.actor.id), 'EDITOR')) {
      return { reason: `event ${row.id} has this UID and you can no longer edit it` };
    }
    // A deleted event with the UID comes back: importing it again says it is wanted.
    const res = await appendVersion(ctx, row, draft, row.deleted_at === null ? 'updated' : 'restored', {
      summary: row.deleted_at === null ? 'updated the event from an iCalendar import' : 'restored the event from an iCalendar import',
      ...(row.deleted_at === null ? {} : { extra: { deleted_at: null } }),
    });
    return { id: row.id, action: res ? 'updated' : 'unchanged' };
  }

  return {
    /**
     * Imports an iCalendar body: each VEVENT (with its overrides) becomes, or updates, one event
     * of the caller, matched by UID. Valid events are written in one transaction; invalid ones are
     * listed in `failed`. Clashes are reported, and with checkConflicts the clashing events fail.
     * Throws BAD_REQUEST for a body that is not iCalendar, PAYLOAD_TOO_LARGE past the VEVENT limit.
     */
    async importCalendar(actorId: number, body: Uint8Array | string, flags: ImportFlags) {
      let parsed: Awaited<ReturnType<typeof parseCalendarAsync>>;
      try {
        parsed = await parseCalendarAsync(body, { maxEvents: MAX_IMPORT_VEVENTS, defaultZone: flags.timezone });
      } catch (err) {
        if (err instanceof TooManyEventsError) {
          throw new AppError('PAYLOAD_TOO_LARGE', `${err.message}; split the file`, { max_events: err.max, count: err.count });
        }
        if (err instanceof NotICalendarError) throw new AppError('BAD_REQUEST', err.message);
        throw err;
      }
      const failed: ParseError[] = [...parsed.errors];
      const valid: { index: number; uid: string; draft: EventDraft }[] = [];
      const slicer = createSlicer();
      for (const p of parsed.events) {
        const r = draftOfParsed(p);
        if ('reason' in r) failed.push({ index: p.index, uid: p.uid, reason: r.reason });
        else valid.push({ index: p.index, uid: p.uid, draft: r.draft });
        await slicer.did(DRAFT_WORK);
      }
      // Every VEVENT's own occurrences are expanded before the transaction opens.
      const prepared = await prepareDrafts(valid.map((v) => v.draft), slicer);
      const audit = { action: 'event.import', ip: flags.ip, details: { vevents: parsed.events.length + parsed.errors.length } };
      const out = await write(actorId, { lockUsers: [actorId], audit }, async (ctx) => {
        const items: { index: number; uid: string; id: number; action: Action }[] = [];
        const conflicts: (ConflictItem & { index: number; uid: string })[] = [];
        const calendar = await createImportConflicts(ctx.trx, actorId, prepared, slicer);
        for (let k = 0; k < valid.length; k++) {
          const v = valid[k];
          await slicer.did(DRAFT_WORK);
          const existing = await eventsRepository.byCreatorUid(ctx.trx, actorId, v.uid);
          if (existing && isUnchanged(existing, v.draft)) {
            items.push({ index: v.index, uid: v.uid, id: existing.id, action: 'unchanged' });
            continue;
          }
          const clashes = await calendar.clashesOf(k, existing ? existing.id : null);
          if (clashes.length && flags.checkConflicts) {
            failed.push({ index: v.index, uid: v.uid, reason: clashReason(clashes[0]) });
            continue;
          }
          const r = await upsert(ctx, v.draft);
          if ('reason' in r) {
            failed.push({ index: v.index, uid: v.uid, reason: r.reason });
            continue;
          }
          await calendar.written(k, r.id);
          items.push({ index: v.index, uid: v.uid, ...r });
          conflicts.push(...clashes.map((c) => ({ index: v.index, uid: v.uid, ...c })));
        }
        return { items, conflicts };
      });
      const count = (a: Action) => out.items.filter((i) => i.action === a).length;
      failed.sort((a, b) => a.index - b.index);
      return {
        created: count('created'), updated: count('updated'), unchanged: count('unchanged'),
        items: out.items.sort((a, b) => a.index - b.index), failed, conflicts: out.conflicts,
      };
    },
  };
}

export type IcalImportService = ReturnType<typeof createIcalImportService>;
