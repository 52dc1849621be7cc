/**
 * The parts of a recurrence input that depend on the event as a whole: RDATE values against the
 * start, EXDATE values mapped onto cancelled exceptions, and the stored text behind a presented
 * (snapshot) pattern.
 */
import { isOriginalOccurrence, type OccurrenceException, type SeriesInput } from './recurrence-expand.js';
import { formatRecurrence, parseRecurrence } from './recurrence-set.js';
import { formatTimestamp } from './recurrence-timestamp.js';
import { parseTimestamp } from './time.js';

/** RDATE values must not come before the event start (the start is the first occurrence). */
export function checkRdates(stored: string, start: number, field: string): { field: string; message: string }[] {
  const { rdates } = parseRecurrence(stored);
  const first = rdates.findIndex((r) => r < Math.floor(start / 1000) * 1000);
  return first < 0 ? [] : [{ field: `${field}.rdate`, message: `${formatTimestamp(rdates[first])} is before start_time (the first occurrence)` }];
}

/**
 * The exceptions after setting the cancelled occurrences to exactly `exdate`: cancellations not
 * listed are lifted, listed occurrences are cancelled (a change there is replaced). Values that are
 * not occurrences of the series are ignored, as RFC 5545 ignores such EXDATEs.
 */
export function applyExdates(series: SeriesInput, exdate: readonly number[]): OccurrenceException[] {
  const wanted = new Set(exdate.filter((t) => isOriginalOccurrence(series, t)));
  const kept = series.exceptions.filter((e) => e.status !== 'cancelled' && !wanted.has(parseTimestamp(e.original_start) ?? NaN));
  const cancelled: OccurrenceException[] = [...wanted].map((t) => ({ original_start: formatTimestamp(t), status: 'cancelled' }));
  return [...kept, ...cancelled].sort((a, b) => Date.parse(a.original_start) - Date.parse(b.original_start));
}

/** The stored recurrence text behind a presented pattern (rule plus RDATE), or null for none. */
export function storedRecurrence(p: { rrule: string; rdate?: readonly string[] } | null | undefined): string | null {
  if (!p) return null;
  return formatRecurrence(p.rrule, (p.rdate ?? []).map((r) => Date.parse(r)).filter(Number.isFinite));
}
