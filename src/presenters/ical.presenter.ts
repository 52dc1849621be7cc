import { createHash } from 'node:crypto';
import type { EventRow } from '../db/types.js';
import type { OccurrenceException } from '../domain/recurrence-expand.js';
import { parseRecurrence, ruleLine } from '../domain/recurrence-set.js';
import type { IcalEvent } from '../ical/index.js';

/** An event row as the iCalendar writer takes it (SEQUENCE counts the versions after the first). */
export function icalEventOf(row: EventRow): IcalEvent {
  return {
    uid: row.uid,
    title: row.title,
    description: row.description,
    location: row.location,
    start: row.start_time,
    end: row.end_time,
    timezone: row.timezone,
    allDay: row.all_day === 1,
    // The stored recurrence is the RRULE line plus an optional RDATE line (recurrence-set.ts).
    rrule: row.rrule === null ? null : ruleLine(row.rrule),
    rdates: row.rrule === null ? [] : parseRecurrence(row.rrule).rdates,
    exceptions: JSON.parse(row.exceptions) as OccurrenceException[],
    created: row.created_at,
    lastModified: row.updated_at,
    sequence: row.version - 1,
    kept: row.ical_extra,
  };
}

/** Entity tag of a generated calendar: a hash of its bytes (the writer is byte-for-byte stable). */
export function calendarEtag(text: string): string {
  return `"ics-${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}
