import { AppError } from '../domain/errors.js';
import { uidProblem } from '../domain/event-uid.js';
import { isOriginalOccurrence, type OccurrenceException } from '../domain/recurrence-expand.js';
import { iso } from '../domain/time.js';
import type { ParsedEvent } from '../ical/index.js';
import { applyInput, MAX_DURATION_MS, toSeries, type EventDraft, type EventInput } from './event-input.js';

/** The REST limits on text fields, applied to imported ones too. */
const LIMITS = { title: 200, description: 10_000, location: 500 } as const;
/** SUMMARY-less events (Google writes them for "(No title)") still need a title. */
export const UNTITLED = '(No title)';

class Invalid extends Error {}

function checkTexts(where: string, f: { title?: string; description?: string; location?: string }): void {
  for (const k of ['title', 'description', 'location'] as const) {
    const v = f[k];
    if (v !== undefined && v.length > LIMITS[k]) throw new Invalid(`${where}${k === 'title' ? 'SUMMARY' : k.toUpperCase()} is longer than ${LIMITS[k]} characters`);
  }
}

function checkException(series: ReturnType<typeof toSeries>, ex: OccurrenceException): void {
  const t = Date.parse(ex.original_start);
  if (!isOriginalOccurrence(series, t)) throw new Invalid(`RECURRENCE-ID ${ex.original_start} is not an occurrence of the series`);
  if (ex.status !== 'changed') return;
  const s = Date.parse(ex.start_time!), e = Date.parse(ex.end_time!);
  if (!(e > s)) throw new Invalid(`the override of ${ex.original_start} ends before it starts`);
  if (e - s > MAX_DURATION_MS) throw new Invalid(`the override of ${ex.original_start} lasts more than 366 days`);
  checkTexts(`the override of ${ex.original_start}: `, ex);
}

/**
 * A parsed VEVENT (with its overrides) as a validated event draft, checked like a REST create
 * (required fields, lengths, zone, rule, duration) plus the overrides against the series.
 * Returns the draft, or the reason it cannot be imported.
 */
export function draftOfParsed(p: ParsedEvent): { draft: EventDraft } | { reason: string } {
  try {
    const uidWhy = uidProblem(p.uid);
    if (uidWhy) throw new Invalid(`UID ${uidWhy}`);
    const title = p.title.trim() === '' ? UNTITLED : p.title;
    checkTexts('', { title, description: p.description, location: p.location });
    if (!p.rrule && p.rdates.length) throw new Invalid('RDATE without RRULE is not supported');
    if (!p.rrule && p.exceptions.length) throw new Invalid('RECURRENCE-ID overrides or EXDATE on an event without RRULE');
    if (p.end === p.start) throw new Invalid('the event has no duration (no DTEND or DURATION, or DTEND equals DTSTART)');
    const input: EventInput = {
      uid: p.uid, title, description: p.description, location: p.location,
      start_time: iso(p.start), end_time: iso(p.end), timezone: p.timezone, all_day: p.allDay,
      ...(p.rrule ? { is_recurring: true, recurrence_pattern: { rrule: p.rrule, ...(p.rdates.length ? { rdate: p.rdates.map(iso) } : {}) } } : {}),
    };
    const draft = applyInput(null, input);
    if (draft.rrule) {
      const series = toSeries(draft);
      // RFC 5545 ignores an EXDATE that names no occurrence; an override of no occurrence is an error.
      const exceptions = p.exceptions.filter((e) => e.status === 'changed' || isOriginalOccurrence(series, Date.parse(e.original_start)));
      for (const ex of exceptions) checkException(series, ex);
      draft.exceptions = exceptions;
    }
    draft.kept = p.kept;
    return { draft };
  } catch (err) {
    if (err instanceof Invalid) return { reason: err.message };
    if (err instanceof AppError) {
      const list = (err.extra.errors as { field: string; message: string }[] | undefined) ?? [];
      return { reason: list.length ? list.map((e) => `${e.field}: ${e.message}`).join('; ') : err.message };
    }
    if (err instanceof RangeError) return { reason: err.message };
    throw err;
  }
}
