import ICAL from 'ical.js';
import type { DbHandle } from '../db/connection.js';
import { AppError } from '../domain/errors.js';
import { NotICalendarError, parseCalendar, type ParsedEvent } from '../ical/index.js';
import { davRepository } from '../repositories/dav.repository.js';
import { requireRole } from './access.js';
import { findConflicts, type ConflictItem } from './conflicts.js';
import { objectText } from './dav-ical.js';
import type { DavObject, DavService } from './dav.service.js';
import type { EventDraft } from '../domain/event-draft.js';
import { draftOfParsed } from './ical-drafts.js';
import { appendVersion, insertEvent } from './event-writer.js';
import type { EventsService } from './events.service.js';
import type { SharingService } from './sharing.service.js';
import type { UnitOfWork } from './unit-of-work.js';

/** Most exceptions (cancelled and changed occurrences) one series may carry. */
const MAX_EXCEPTIONS = 1000;

/** A PUT or DELETE refused by a CalDAV precondition (mapped to a DAV error body by the protocol layer). */
export class DavPreconditionError extends Error {
  constructor(
    readonly condition: 'supported-calendar-component' | 'valid-calendar-object-resource' | 'valid-calendar-data' | 'no-uid-conflict' | 'need-privileges',
    message: string,
    readonly conflictName?: string,
  ) {
    super(message);
  }
}

export interface PutResult {
  created: boolean;
  object: DavObject;
  /** Whether the stored object is byte for byte the body that was sent (only then is its ETag returned). */
  identical: boolean;
  conflicts: ConflictItem[];
}

/** Checks the shape of a calendar object resource (RFC 4791 §4.1) and reads its one event. */
export function readObject(text: string, zone: string): ParsedEvent {
  let comp: ICAL.Component;
  try {
    comp = new ICAL.Component(ICAL.parse(text));
  } catch {
    throw new DavPreconditionError('valid-calendar-data', 'The body is not iCalendar data');
  }
  if (comp.name !== 'vcalendar') throw new DavPreconditionError('valid-calendar-data', 'The body must be one VCALENDAR');
  const subs = comp.getAllSubcomponents();
  const other = subs.find((s) => s.name !== 'vevent' && s.name !== 'vtimezone');
  if (other) throw new DavPreconditionError('supported-calendar-component', `${other.name.toUpperCase()} is not supported here; only VEVENT`);
  if (comp.getFirstProperty('method')) throw new DavPreconditionError('valid-calendar-object-resource', 'A calendar object must not carry METHOD');
  const vevents = subs.filter((s) => s.name === 'vevent');
  if (!vevents.length) throw new DavPreconditionError('valid-calendar-object-resource', 'The object holds no VEVENT');
  const uids = new Set(vevents.map((v) => String(v.getFirstPropertyValue('uid') ?? '')));
  if (uids.has('')) throw new DavPreconditionError('valid-calendar-object-resource', 'Every VEVENT needs a UID');
  if (uids.size > 1) throw new DavPreconditionError('valid-calendar-object-resource', 'One calendar object holds one UID; found ' + uids.size);
  let parsed;
  try {
    parsed = parseCalendar(text, { defaultZone: zone, maxEvents: MAX_EXCEPTIONS + 1 });
  } catch (err) {
    if (err instanceof NotICalendarError) throw new DavPreconditionError('valid-calendar-data', 'The body is not iCalendar data');
    throw new DavPreconditionError('valid-calendar-object-resource', (err as Error).message);
  }
  if (parsed.errors.length || parsed.events.length !== 1) {
    throw new DavPreconditionError('valid-calendar-data', parsed.errors.map((e) => e.reason).join('; ').slice(0, 500) || 'The VEVENT could not be read');
  }
  return parsed.events[0];
}

/** The event state a parsed object stands for, validated like an import (a refusal → valid-calendar-data). */
function draftOf(p: ParsedEvent): EventDraft {
  if (p.exceptions.length > MAX_EXCEPTIONS) throw new DavPreconditionError('valid-calendar-data', `At most ${MAX_EXCEPTIONS} exceptions per series`);
  const r = draftOfParsed(p);
  if ('reason' in r) throw new DavPreconditionError('valid-calendar-data', r.reason);
  return r.draft;
}

/**
 * The write side of CalDAV, through the same writer as REST (unit of work, versions, changelog,
 * audit, notifications, cache invalidation, bus): PUT creates or replaces one event, DELETE deletes
 * it (owner) or removes the caller's own access (anyone else). Time conflicts never refuse a
 * CalDAV write; they are recorded in the audit row, as with `check_conflicts=false`.
 */
export function createDavWriteService(deps: { handle: DbHandle; write: UnitOfWork; dav: DavService; events: EventsService; sharing: SharingService }) {
  const { handle, write, dav, events, sharing } = deps;

  return {
    /**
     * Stores `text` at `name` in the user's calendar. `ifMatch` names the ETag the client last saw
     * (undefined: none sent); `ifNoneMatch` says the client only creates. Throws PRECONDITION_FAILED
     * (412), DavPreconditionError (403) and NOT_FOUND/FORBIDDEN from the access check.
     */
    async put(userId: number, name: string, text: string, opts: { ifMatch?: string; ifNoneMatch?: boolean; ip: string | null }): Promise<PutResult> {
      const zone = await dav.timezone(userId);
      const parsed = readObject(text, zone);
      const existing = await dav.objectByName(userId, name);
      if (existing && opts.ifNoneMatch) throw new AppError('PRECONDITION_FAILED', 'A resource exists at this address', { current_version: existing.row.version });
      if (opts.ifMatch !== undefined && (!existing || (opts.ifMatch !== '*' && opts.ifMatch !== existing.etag))) {
        throw new AppError('PRECONDITION_FAILED', 'The resource changed since you read it', { current_version: existing?.row.version ?? null });
      }
      if (existing && existing.role === 'VIEWER') throw new DavPreconditionError('need-privileges', 'Viewers cannot change this event');
      if (existing && existing.row.uid !== parsed.uid) {
        throw new DavPreconditionError('no-uid-conflict', 'The UID of a calendar object cannot change');
      }
      if (!existing) {
        const clash = (await davRepository.idsByAnyUid(handle.db, userId, parsed.uid))[0];
        if (clash !== undefined) {
          const other = (await dav.objectsByIds(userId, [clash]))[0];
          throw new DavPreconditionError('no-uid-conflict', other ? 'This UID is already used by another resource' : 'A deleted event of yours has this UID; restore it in Tandem', other?.name);
        }
      }
      const details: Record<string, unknown> = { via: 'caldav', name };
      const conflicts: ConflictItem[] = [];
      const row = existing
        ? await write(userId, { lockUsers: [userId], lockEvent: existing.row.id, audit: { action: 'event.update', ip: opts.ip, eventId: existing.row.id, details } }, async (ctx) => {
            const { event } = await requireRole(ctx.trx, existing.row.id, userId, 'EDITOR');
            if (event.version !== existing.row.version) throw new AppError('PRECONDITION_FAILED', 'The event changed while this request ran', { current_version: event.version });
            const next = draftOf(parsed);
            conflicts.push(...(await findConflicts(ctx.trx, userId, [next], [event.id])));
            if (conflicts.length) details.conflicts = conflicts;
            const res = await appendVersion(ctx, event, next, 'updated');
            return res?.row ?? event;
          })
        : await write(userId, { lockUsers: [userId], audit: { action: 'event.create', ip: opts.ip, details } }, async (ctx) => {
            const draft = draftOf(parsed);
            conflicts.push(...(await findConflicts(ctx.trx, userId, [draft])));
            if (conflicts.length) details.conflicts = conflicts;
            const created = await insertEvent(ctx, draft);
            await davRepository.setName(ctx.trx, created.id, name);
            return created;
          });
      const object = (await dav.objectsByIds(userId, [row.id]))[0];
      return { created: !existing, object, identical: objectText(object.row) === text, conflicts };
    },

    /**
     * DELETE: the owner deletes the event (restorable over REST); anyone else leaves it (their role is
     * removed, the event stays for the others). Throws PRECONDITION_FAILED on a stale If-Match.
     */
    async remove(userId: number, name: string, opts: { ifMatch?: string; ip: string | null }): Promise<boolean> {
      const existing = await dav.objectByName(userId, name);
      if (!existing) return false;
      if (opts.ifMatch !== undefined && opts.ifMatch !== '*' && opts.ifMatch !== existing.etag) {
        throw new AppError('PRECONDITION_FAILED', 'The resource changed since you read it', { current_version: existing.row.version });
      }
      if (existing.role === 'OWNER') await events.remove(userId, existing.row.id, { ip: opts.ip, expectedVersion: existing.row.version });
      else await sharing.remove(userId, existing.row.id, userId, opts.ip);
      return true;
    },
  };
}

export type DavWriteService = ReturnType<typeof createDavWriteService>;
