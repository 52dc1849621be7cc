/**
 * Time-zone-correct expansion of recurring events: occurrences in a window with exceptions applied,
 * occurrence lookup, the end of a series and splitting a series in two. The rrule-driven enumeration
 * of original occurrences lives in recurrence-walk.ts.
 */
import { formatRule, parseRule } from './recurrence-rule.js';
import { parseTimestamp } from './recurrence-timestamp.js';
import { DAY, loadSeries, PERIOD_DAYS, walk, type Series } from './recurrence-walk.js';

export { isValidTimeZone } from './recurrence-zone.js';

export interface OccurrenceException {
  original_start: string; status: 'cancelled' | 'changed'; start_time?: string; end_time?: string;
  title?: string; description?: string; location?: string;
}
export interface SeriesInput { start: number; end: number; timezone: string; rrule: string | null; exceptions: OccurrenceException[] }
export interface Occurrence {
  original_start: number; start: number; end: number; is_exception: boolean;
  overrides: { title?: string; description?: string; location?: string };
}

function byOriginal(ev: SeriesInput): Map<number, OccurrenceException> {
  const map = new Map<number, OccurrenceException>();
  for (const ex of ev.exceptions) {
    const t = typeof ex.original_start === 'string' ? parseTimestamp(ex.original_start) : null;
    const known = ex.status === 'cancelled' || ex.status === 'changed';
    if (t !== null && known) map.set(t, ex); // a later entry for the same occurrence wins
  }
  return map;
}

/** Overlap with [ws, we); a zero-length occurrence counts when it starts inside the window. */
export function overlapsWindow(start: number, end: number, ws: number, we: number): boolean {
  return start < we && (end > ws || (end === start && start >= ws));
}

function changedTimes(ex: OccurrenceException, original: number, dur: number): { start: number; end: number } {
  const start = (typeof ex.start_time === 'string' ? parseTimestamp(ex.start_time) : null) ?? original;
  const end = (typeof ex.end_time === 'string' ? parseTimestamp(ex.end_time) : null) ?? start + dur;
  return { start, end };
}

function overridesOf(ex: OccurrenceException): Occurrence['overrides'] {
  const out: Occurrence['overrides'] = {};
  for (const k of ['title', 'description', 'location'] as const) if (typeof ex[k] === 'string') out[k] = ex[k];
  return out;
}

function checkOriginal(s: Series, t: number): boolean {
  if (!Number.isFinite(t)) return false;
  let found = false;
  walk(s, t, t, (start) => { found = start === t; return start < t; });
  return found;
}

/**
 * Expands the series into occurrences overlapping [windowStart, windowEnd) (a zero-length occurrence
 * counts when it starts inside), sorted by start. Cancelled exceptions are dropped; changed ones use
 * their start_time/end_time (a missing end keeps the series duration) and overrides. Exceptions whose
 * original_start is unparsable or not an occurrence are ignored; unparsable start/end times fall back
 * to the original. A non-recurring event (rrule null, exceptions ignored) yields itself once.
 * Returns the occurrences; throws RangeError when more than `max` overlap the window, or for an
 * invalid zone, rule or start/end.
 */
export function expandOccurrences(ev: SeriesInput, windowStart: number, windowEnd: number, max = 5000): Occurrence[] {
  const s = loadSeries(ev);
  if (!Number.isFinite(windowStart) || !Number.isFinite(windowEnd)) throw new RangeError('window bounds must be finite');
  if (windowStart >= windowEnd) return [];
  if (!s) {
    if (ev.end < ev.start) throw new RangeError('event end must not be before its start');
    return overlapsWindow(ev.start, ev.end, windowStart, windowEnd)
      ? [{ original_start: ev.start, start: ev.start, end: ev.end, is_exception: false, overrides: {} }] : [];
  }
  const exceptions = byOriginal(ev);
  const out: Occurrence[] = [];
  const push = (o: Occurrence) => {
    if (out.length >= max) throw new RangeError(`more than ${max} occurrences in the requested window`);
    out.push(o);
  };
  walk(s, windowStart - s.dur, windowEnd, (start) => {
    if (start >= windowEnd) return false;
    if (!exceptions.has(start) && overlapsWindow(start, start + s.dur, windowStart, windowEnd)) {
      push({ original_start: start, start, end: start + s.dur, is_exception: false, overrides: {} });
    }
    return true;
  });
  for (const [original, ex] of exceptions) {
    if (ex.status !== 'changed') continue;
    const t = changedTimes(ex, original, s.dur);
    if (overlapsWindow(t.start, t.end, windowStart, windowEnd) && checkOriginal(s, original)) {
      push({ original_start: original, start: t.start, end: t.end, is_exception: true, overrides: overridesOf(ex) });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.original_start - b.original_start);
}

/**
 * Whether originalStart (epoch ms) is an original occurrence start of the series, ignoring
 * exceptions (a cancelled occurrence still counts). For rrule null only ev.start matches.
 * Throws RangeError for an invalid zone or rule.
 */
export function isOriginalOccurrence(ev: SeriesInput, originalStart: number): boolean {
  const s = loadSeries(ev);
  return s ? checkOriginal(s, originalStart) : originalStart === ev.start;
}

/**
 * Returns the 0-based index of originalStart among the series' original occurrences, or -1 when
 * it is not one. Walks from the series start. Throws RangeError for an invalid zone or rule.
 */
export function occurrenceIndex(ev: SeriesInput, originalStart: number): number {
  const s = loadSeries(ev);
  if (!s) return originalStart === ev.start ? 0 : -1;
  if (!Number.isFinite(originalStart)) return -1;
  let found = -1;
  walk(s, -Infinity, originalStart, (start, i) => {
    if (start === originalStart) found = i;
    return start < originalStart;
  });
  return found;
}

/**
 * Returns the instant the last occurrence ends with exceptions applied (cancelled ones dropped,
 * moved ones at their new end), ev.end for rrule null, or null when the rule has neither COUNT nor
 * UNTIL. When every occurrence is cancelled it returns the last original end (still a safe upper
 * bound). Throws RangeError for an invalid zone or rule.
 */
export function seriesEnd(ev: SeriesInput): number | null {
  const s = loadSeries(ev);
  if (!s) return ev.end;
  const { count, until } = s.rule;
  if (count === null && until === null) return null;
  const exceptions = byOriginal(ev);
  let lastKept: number | null = null, lastAny = ev.start;
  const track = (start: number) => {
    lastAny = Math.max(lastAny, start);
    if (!exceptions.has(start)) lastKept = start;
    return true;
  };
  if (until === null) walk(s, -Infinity, Infinity, track);
  else {
    // Search backwards from UNTIL in growing spans so a long UNTIL series is not scanned from its start.
    for (let span = 8 * s.rule.interval * PERIOD_DAYS[s.freq] * DAY; lastKept === null; span *= 8) {
      const from = until - span;
      walk(s, from, until, (start) => start <= until && (start < from || track(start)));
      if (from <= ev.start) break;
    }
  }
  let end = (lastKept ?? lastAny) + s.dur;
  for (const [original, ex] of exceptions) {
    if (ex.status === 'changed' && checkOriginal(s, original)) end = Math.max(end, changedTimes(ex, original, s.dur).end);
  }
  return end;
}

/**
 * Splits a series at original occurrence originalStart (index ≥ 1). Returns the first part's rule
 * (COUNT dropped, UNTIL one second before the split, truncated to whole seconds) and the second
 * part's rule (remaining COUNT, or the original UNTIL), with exceptions partitioned by original_start
 * (unparsable ones dropped). The second part's event must start at originalStart. If that occurrence
 * was moved forward by a DST gap, the second part keeps the moved wall-clock time.
 * Throws RangeError when originalStart is not an occurrence or is the first one.
 */
export function splitSeries(ev: SeriesInput, originalStart: number): {
  before: { rrule: string; exceptions: OccurrenceException[] }; after: { rrule: string; exceptions: OccurrenceException[] };
} {
  if (ev.rrule === null) throw new RangeError('cannot split a non-recurring event');
  const rule = parseRule(ev.rrule);
  const index = occurrenceIndex(ev, originalStart);
  if (index < 0) throw new RangeError('split instant is not an occurrence of the series');
  if (index === 0) throw new RangeError('cannot split a series at its first occurrence');
  const before: OccurrenceException[] = [], after: OccurrenceException[] = [];
  for (const ex of ev.exceptions) {
    const t = parseTimestamp(ex.original_start);
    if (t !== null) (t < originalStart ? before : after).push(ex);
  }
  return {
    before: { rrule: formatRule({ ...rule, count: null, until: Math.floor((originalStart - 1000) / 1000) * 1000 }), exceptions: before },
    after: { rrule: formatRule({ ...rule, count: rule.count === null ? null : rule.count - index }), exceptions: after },
  };
}
