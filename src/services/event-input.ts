import { validationError, type FieldError } from '../domain/errors.js';
import type { Snapshot } from '../domain/event-snapshot.js';
import { canonicalTimeZone, isOriginalOccurrence, seriesEnd, sparseRule, type OccurrenceException, type SeriesInput } from '../domain/recurrence-expand.js';
import { parsePattern, presentPattern } from '../domain/recurrence-pattern.js';
import { applyExdates, checkRdates, storedRecurrence } from '../domain/recurrence-input.js';
import { iso, readTimestamp, timestampProblem } from '../domain/time.js';
import { isLocalMidnight, newUid, uidProblem } from '../domain/event-uid.js';
import type { EventRow } from '../db/types.js';

/** An event's own state, normalised: what services check, store and snapshot. */
export interface EventDraft {
  title: string;
  description: string;
  location: string;
  start: number;
  end: number;
  timezone: string;
  rrule: string | null;
  exceptions: OccurrenceException[];
  uid: string;
  allDay: boolean;
  /** iCalendar text Tandem does not model; undefined keeps what the event has (a rollback, a REST edit). */
  kept?: string;
}

/** The writable fields of an event as a client sends them (types already checked by the schema). */
export interface EventInput {
  title?: string;
  description?: string | null;
  location?: string | null;
  start_time?: string;
  end_time?: string;
  timezone?: string;
  is_recurring?: boolean;
  recurrence_pattern?: unknown;
  /** Only on create: the RFC 5545 UID (generated when absent). */
  uid?: string;
  all_day?: boolean;
}

/** Longest single event or occurrence: one year. */
export const MAX_DURATION_MS = 366 * 86_400_000;
const MIN_TIME = Date.UTC(1900, 0, 1);
const MAX_TIME = Date.UTC(9999, 0, 1);

function path(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

/** A start/end time: RFC 3339 with an offset, or wall-clock time in `zone` when one is known. */
function time(value: string | undefined, field: string, zone: string | null, errors: FieldError[]): number | undefined {
  if (value === undefined) return undefined;
  const r = readTimestamp(value, zone);
  if (!r.ok) {
    errors.push({ field, message: r.reason === 'gap' ? timestampProblem('gap', zone) : 'must be an RFC 3339 timestamp with an offset (or local time with timezone), between 1900 and 9999' });
    return undefined;
  }
  if (r.ms < MIN_TIME || r.ms >= MAX_TIME) {
    errors.push({ field, message: 'must be between 1900 and 9999' });
    return undefined;
  }
  return r.ms;
}

/**
 * Applies a client's input on top of a base state (an empty one for a create) and validates the
 * result as a whole: end after start, a known time zone, a well-formed pattern that agrees with
 * is_recurring. Throws VALIDATION_ERROR naming every bad field, with `prefix` before each path.
 */
export function applyInput(base: EventDraft | null, input: EventInput, prefix = ''): EventDraft {
  const errors: FieldError[] = [];
  if (!base) {
    for (const f of ['title', 'start_time', 'end_time'] as const) {
      if (input[f] === undefined) errors.push({ field: path(prefix, f), message: 'is required' });
    }
  }
  if (input.title !== undefined && input.title.trim() === '') errors.push({ field: path(prefix, 'title'), message: 'must not be blank' });
  // Time zones are stored in the runtime's canonical spelling (america/new_york → America/New_York).
  const zoneIn = input.timezone === undefined ? undefined : canonicalTimeZone(input.timezone);
  if (zoneIn === null) errors.push({ field: path(prefix, 'timezone'), message: 'must be an IANA time zone such as Europe/Paris' });
  const timezone = zoneIn ?? base?.timezone ?? 'UTC';
  // Wall-clock times need a zone: the one sent, or on an update the event's own.
  const wallZone = zoneIn === null ? null : (zoneIn ?? (base ? base.timezone : null));
  const start = time(input.start_time, path(prefix, 'start_time'), wallZone, errors) ?? base?.start;
  const end = time(input.end_time, path(prefix, 'end_time'), wallZone, errors) ?? base?.end;

  let rrule = base?.rrule ?? null;
  let exdate: number[] | undefined;
  const patternGiven = input.recurrence_pattern !== undefined && input.recurrence_pattern !== null;
  if (patternGiven) {
    const parsed = parsePattern(input.recurrence_pattern, path(prefix, 'recurrence_pattern'), zoneIn === null ? null : timezone);
    if (parsed.ok) { rrule = parsed.rrule; exdate = parsed.exdate; }
    else errors.push(...parsed.errors);
  }
  if (input.is_recurring === false) {
    if (patternGiven) errors.push({ field: path(prefix, 'recurrence_pattern'), message: 'must be null or absent when is_recurring is false' });
    rrule = null;
  } else if (input.recurrence_pattern === null) {
    if (input.is_recurring === true) errors.push({ field: path(prefix, 'recurrence_pattern'), message: 'is required when is_recurring is true' });
    rrule = null;
  } else if (input.is_recurring === true && !rrule && !patternGiven) {
    errors.push({ field: path(prefix, 'recurrence_pattern'), message: 'is required when is_recurring is true' });
  }

  if (input.uid !== undefined) {
    const why = uidProblem(input.uid);
    if (why) errors.push({ field: path(prefix, 'uid'), message: why });
  }
  const allDay = input.all_day ?? base?.allDay ?? false;
  if (allDay && zoneIn !== null) {
    if (start !== undefined && !isLocalMidnight(start, timezone)) errors.push({ field: path(prefix, 'start_time'), message: `must be a local midnight in ${timezone} for an all-day event` });
    if (end !== undefined && !isLocalMidnight(end, timezone)) errors.push({ field: path(prefix, 'end_time'), message: `must be a local midnight in ${timezone} for an all-day event` });
  }
  if (start !== undefined && end !== undefined) {
    if (end <= start) errors.push({ field: path(prefix, 'end_time'), message: 'must be after start_time' });
    else if (end - start > MAX_DURATION_MS) errors.push({ field: path(prefix, 'end_time'), message: 'an event may last at most 366 days' });
  }
  if (rrule && start !== undefined && !errors.length) {
    errors.push(...checkRdates(rrule, start, path(prefix, 'recurrence_pattern')));
    if (!errors.length && sparseRule({ start, end: end!, timezone, rrule })) {
      errors.push({ field: path(prefix, 'recurrence_pattern'), message: 'the rule has no occurrence after the first within its search limit (e.g. a date that never comes)' });
    }
  }
  if (errors.length) throw validationError(errors);

  const draft: EventDraft = {
    title: input.title ?? base?.title ?? '',
    description: input.description === undefined ? (base?.description ?? '') : (input.description ?? ''),
    location: input.location === undefined ? (base?.location ?? '') : (input.location ?? ''),
    start: start!,
    end: end!,
    timezone,
    rrule,
    exceptions: rrule ? (base?.exceptions ?? []) : [],
    uid: base?.uid ?? input.uid ?? newUid(),
    allDay,
    kept: base?.kept,
  };
  // A changed rule, start or zone can orphan exceptions: keep only those still naming an occurrence.
  if (draft.exceptions.length && base && (draft.rrule !== base.rrule || draft.start !== base.start || draft.timezone !== base.timezone)) {
    const series = toSeries(draft);
    draft.exceptions = draft.exceptions.filter((e) => isOriginalOccurrence(series, Date.parse(e.original_start)));
  }
  if (exdate && draft.rrule) draft.exceptions = applyExdates(toSeries(draft), exdate);
  return draft;
}

export function toSeries(d: EventDraft): SeriesInput {
  return { start: d.start, end: d.end, timezone: d.timezone, rrule: d.rrule, exceptions: d.exceptions };
}

export function draftFromRow(row: EventRow): EventDraft {
  return {
    title: row.title,
    description: row.description,
    location: row.location,
    start: row.start_time,
    end: row.end_time,
    timezone: row.timezone,
    rrule: row.rrule,
    exceptions: JSON.parse(row.exceptions) as OccurrenceException[],
    uid: row.uid,
    allDay: row.all_day === 1,
    kept: row.ical_extra,
  };
}

const ALL_DAY_SLACK_MS = 2 * 3600_000;

/** The columns a draft occupies in the events table. */
export function draftColumns(d: EventDraft) {
  const end = d.rrule ? seriesEnd(toSeries(d)) : d.end;
  return {
    ...(d.kept !== undefined ? { ical_extra: d.kept } : {}),
    uid: d.uid,
    all_day: d.allDay ? 1 : 0,
    title: d.title,
    description: d.description,
    location: d.location,
    start_time: d.start,
    end_time: d.end,
    // An all-day occurrence ends at a local midnight, which a DST change can move by an hour past
    // the fixed-duration bound; the slack keeps it inside window queries.
    series_end: end !== null && d.allDay ? end + ALL_DAY_SLACK_MS : end,
    timezone: d.timezone,
    is_recurring: d.rrule ? 1 : 0,
    rrule: d.rrule,
    exceptions: JSON.stringify(d.exceptions),
  };
}

export function toSnapshot(d: EventDraft): Snapshot {
  return {
    title: d.title,
    description: d.description,
    location: d.location,
    start_time: iso(d.start),
    end_time: iso(d.end),
    timezone: d.timezone,
    is_recurring: d.rrule !== null,
    recurrence_pattern: d.rrule ? presentPattern(d.rrule, d.exceptions) : null,
    exceptions: d.exceptions,
    uid: d.uid,
    all_day: d.allDay,
  };
}

export function fromSnapshot(s: Snapshot): EventDraft {
  return {
    title: s.title,
    description: s.description,
    location: s.location,
    start: Date.parse(s.start_time),
    end: Date.parse(s.end_time),
    timezone: s.timezone,
    rrule: storedRecurrence(s.recurrence_pattern),
    exceptions: s.exceptions ?? [],
    uid: s.uid ?? '',
    allDay: s.all_day ?? false,
  };
}
