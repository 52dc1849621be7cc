import { validationError, type FieldError } from './errors.js';
import type { Snapshot } from './event-snapshot.js';
import { MAX_SPAN_DAYS, MAX_SPAN_MS, MAX_TIME, MIN_TIME } from './limits.js';
import { isValidTimeZone, isOriginalOccurrence, type OccurrenceException, type SeriesInput } from './recurrence-expand.js';
import { parsePattern, presentPattern } from './recurrence-pattern.js';
import { iso, parseTimestamp } from './time.js';

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
}


function path(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

function time(value: string | undefined, field: string, errors: FieldError[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === null || ms < MIN_TIME || ms >= MAX_TIME) {
    errors.push({ field, message: 'must be an RFC 3339 timestamp with an offset, between 1900 and 9999' });
    return undefined;
  }
  return ms;
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
  const start = time(input.start_time, path(prefix, 'start_time'), errors) ?? base?.start;
  const end = time(input.end_time, path(prefix, 'end_time'), errors) ?? base?.end;
  const timezone = input.timezone ?? base?.timezone ?? 'UTC';
  if (input.timezone !== undefined && !isValidTimeZone(input.timezone)) {
    errors.push({ field: path(prefix, 'timezone'), message: 'must be an IANA time zone such as Europe/Paris' });
  }

  let rrule = base?.rrule ?? null;
  const patternGiven = input.recurrence_pattern !== undefined && input.recurrence_pattern !== null;
  if (patternGiven) {
    const parsed = parsePattern(input.recurrence_pattern, path(prefix, 'recurrence_pattern'));
    if (parsed.ok) rrule = parsed.rrule;
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

  if (start !== undefined && end !== undefined) {
    if (end <= start) errors.push({ field: path(prefix, 'end_time'), message: 'must be after start_time' });
    else if (end - start > MAX_SPAN_MS) errors.push({ field: path(prefix, 'end_time'), message: `an event may last at most ${MAX_SPAN_DAYS} days` });
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
  };
  // A changed rule, start or zone can orphan exceptions: keep only those still naming an occurrence.
  if (draft.exceptions.length && base && (draft.rrule !== base.rrule || draft.start !== base.start || draft.timezone !== base.timezone)) {
    const series = toSeries(draft);
    draft.exceptions = draft.exceptions.filter((e) => isOriginalOccurrence(series, Date.parse(e.original_start)));
  }
  return draft;
}

/** The recurrence view of a draft: what expansion and conflict checks work on. */
export function toSeries(d: EventDraft): SeriesInput {
  return { start: d.start, end: d.end, timezone: d.timezone, rrule: d.rrule, exceptions: d.exceptions };
}

/** The draft as a version stores it (and as diff, merge and rollback compare it). */
export function toSnapshot(d: EventDraft): Snapshot {
  return {
    title: d.title,
    description: d.description,
    location: d.location,
    start_time: iso(d.start),
    end_time: iso(d.end),
    timezone: d.timezone,
    is_recurring: d.rrule !== null,
    recurrence_pattern: d.rrule ? presentPattern(d.rrule) : null,
    exceptions: d.exceptions,
  };
}

/** The draft a stored version describes (as_of reads, rollback). */
export function fromSnapshot(s: Snapshot): EventDraft {
  return {
    title: s.title,
    description: s.description,
    location: s.location,
    start: Date.parse(s.start_time),
    end: Date.parse(s.end_time),
    timezone: s.timezone,
    rrule: s.recurrence_pattern?.rrule ?? null,
    exceptions: s.exceptions ?? [],
  };
}
