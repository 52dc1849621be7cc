import { createHash } from 'node:crypto';
import type { EventRow } from '../db/types.js';
import type { EventDraft } from '../domain/event-draft.js';
import { parseRecurrence, ruleLine } from '../domain/recurrence-set.js';
import type { IcalEvent } from '../ical/index.js';

/**
 * An event (its draft, as the events repository maps the row, and the row's bookkeeping) as the
 * iCalendar writer takes it; SEQUENCE counts the versions after the first.
 */
export function icalEventOf(draft: EventDraft, row: Pick<EventRow, 'created_at' | 'updated_at' | 'version'>): IcalEvent {
  const { uid, title, description, location, start, end, timezone, allDay, exceptions, rrule } = draft;
  return {
    uid, title, description, location, start, end, timezone, allDay, exceptions,
    // The stored recurrence is the RRULE line plus an optional RDATE line (recurrence-set.ts).
    rrule: rrule === null ? null : ruleLine(rrule),
    rdates: rrule === null ? [] : parseRecurrence(rrule).rdates,
    created: row.created_at,
    lastModified: row.updated_at,
    sequence: row.version - 1,
    kept: draft.kept ?? '',
  };
}

/** Entity tag of a generated calendar: a hash of its bytes (the writer is byte-for-byte stable). */
export function calendarEtag(text: string): string {
  return `"ics-${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}
