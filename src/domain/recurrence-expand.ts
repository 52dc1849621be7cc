/**
 * Time-zone-correct expansion of recurring events: occurrences in a window with exceptions applied,
 * occurrence lookup, the end of a series and splitting a series in two. The rrule-driven enumeration
 * of original occurrences lives in recurrence-walk.ts; every function here walks only the range it
 * is asked about (COUNT rules: at most MAX_COUNT occurrences, once, cached).
 */
import { formatRule } from './recurrence-rule.js';
import { formatRecurrence, parseRecurrence } from './recurrence-set.js';
import { parseTimestamp } from './recurrence-timestamp.js';
import { countedStarts, DAY, loadSeries, lowerBound, PERIOD_DAYS, walk, type Series } from './recurrence-walk.js';

export { isValidTimeZone, canonicalTimeZone } from './recurrence-zone.js';
export { recurrenceWork, sparseRule } from './recurrence-walk.js';

export interface OccurrenceException {
  original_start: string; status: 'cancelled' | 'changed'; start_time?: string; end_time?: string;
  title?: string; description?: string; location?: string;
}
/** A series as the domain sees it; `rrule` is the stored recurrence text (RRULE, optionally an RDATE line). */
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

function single(ev: SeriesInput): Occurrence {
  if (ev.end < ev.start) throw new RangeError('event end must not be before its start');
  return { original_start: ev.start, start: ev.start, end: ev.end, is_exception: false, overrides: {} };
}

/** Changed occurrences (of real originals) that overlap the window, with their new times. */
function movedInto(s: Series, exceptions: Map<number, OccurrenceException>, ws: number, we: number): Occurrence[] {
  const out: Occurrence[] = [];
  for (const [original, ex] of exceptions) {
    if (ex.status !== 'changed') continue;
    const t = changedTimes(ex, original, s.dur);
    if (overlapsWindow(t.start, t.end, ws, we) && checkOriginal(s, original)) {
      out.push({ original_start: original, start: t.start, end: t.end, is_exception: true, overrides: overridesOf(ex) });
    }
  }
  return out;
}

/**
 * Occurrences overlapping [from, to) (a zero-length occurrence counts when it starts inside),
 * sorted by start, exceptions applied: cancelled ones dropped, changed ones at their start_time/
 * end_time (a missing end keeps the series duration) with overrides. Exceptions whose original_start
 * is unparsable or not an occurrence are ignored. A non-recurring event (rrule null, exceptions
 * ignored) yields itself once. Work: the occurrences in the window. Throws RangeError when more than
 * `limit` overlap the window, or for an invalid zone, rule or start/end.
 */
export function occurrencesBetween(ev: SeriesInput, from: number, to: number, limit = 5000): Occurrence[] {
  const s = loadSeries(ev);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('window bounds must be finite');
  if (from >= to) return [];
  if (!s) { const o = single(ev); return overlapsWindow(o.start, o.end, from, to) ? [o] : []; }
  const exceptions = byOriginal(ev);
  const out: Occurrence[] = [];
  const push = (o: Occurrence) => {
    if (out.length >= limit) throw new RangeError(`more than ${limit} occurrences in the requested window`);
    out.push(o);
  };
  walk(s, from - s.dur, to, (start) => {
    if (start >= to) return false;
    if (!exceptions.has(start) && overlapsWindow(start, start + s.dur, from, to)) {
      push({ original_start: start, start, end: start + s.dur, is_exception: false, overrides: {} });
    }
    return true;
  });
  for (const o of movedInto(s, exceptions, from, to)) push(o);
  return out.sort((a, b) => a.start - b.start || a.original_start - b.original_start);
}

/** Former name of occurrencesBetween (same arguments). */
export const expandOccurrences = occurrencesBetween;

/**
 * Whether any occurrence (exceptions applied) overlaps [from, to). Stops at the first one, so any
 * window costs about one occurrence plus the cancelled ones it skips. When the rule goes
 * PERIOD_BUDGET periods without an occurrence the answer is a conservative `true`.
 */
export function hasOccurrenceBetween(ev: SeriesInput, from: number, to: number): boolean {
  if (!(from < to)) return false;
  const s = loadSeries(ev);
  if (!s) { const o = single(ev); return overlapsWindow(o.start, o.end, from, to); }
  const exceptions = byOriginal(ev);
  let found = false;
  const end = walk(s, Number.isFinite(from) ? from - s.dur : -Infinity, to, (start) => {
    if (start >= to) return false;
    if (!exceptions.has(start) && overlapsWindow(start, start + s.dur, from, to)) { found = true; return false; }
    return true;
  });
  if (found || end === 'budget') return true;
  return movedInto(s, exceptions, from, to).length > 0;
}

/**
 * The occurrence whose original start is `key`: the occurrence (moved and overridden if changed),
 * 'cancelled' when it was cancelled, or null when key is not an original occurrence of the series.
 */
export function occurrenceAt(ev: SeriesInput, key: number): Occurrence | 'cancelled' | null {
  const s = loadSeries(ev);
  if (!s) return key === ev.start ? single(ev) : null;
  if (!checkOriginal(s, key)) return null;
  const ex = byOriginal(ev).get(key);
  if (!ex) return { original_start: key, start: key, end: key + s.dur, is_exception: false, overrides: {} };
  if (ex.status === 'cancelled') return 'cancelled';
  const t = changedTimes(ex, key, s.dur);
  return { original_start: key, start: t.start, end: t.end, is_exception: true, overrides: overridesOf(ex) };
}

/**
 * Whether originalStart (epoch ms) is an original occurrence start of the series (rule or RDATE),
 * ignoring exceptions (a cancelled occurrence still counts). For rrule null only ev.start matches.
 * Throws RangeError for an invalid zone or rule.
 */
export function isOriginalOccurrence(ev: SeriesInput, originalStart: number): boolean {
  const s = loadSeries(ev);
  return s ? checkOriginal(s, originalStart) : originalStart === ev.start;
}

/**
 * Returns the 0-based index of originalStart among the series' original occurrences, or -1 when
 * it is not one. Walks from the series start (cost: the index), so services use it only for COUNT
 * rules, whose index is bounded. Throws RangeError for an invalid zone or rule.
 */
export function occurrenceIndex(ev: SeriesInput, originalStart: number): number {
  const s = loadSeries(ev);
  if (!s) return originalStart === ev.start ? 0 : -1;
  if (!Number.isFinite(originalStart)) return -1;
  let found = -1, i = 0;
  walk(s, -Infinity, originalStart, (start) => {
    if (start === originalStart) found = i;
    i++;
    return start < originalStart;
  });
  return found;
}

/**
 * The instant the last occurrence ends with exceptions applied (cancelled ones dropped, moved ones
 * at their new end), ev.end for rrule null, or null for an endless series (+∞: neither COUNT nor
 * UNTIL). When every occurrence is cancelled it returns the last original end, and for a rule too
 * sparse to search back from UNTIL within the period budget it returns UNTIL plus the duration:
 * both are safe upper bounds, which is what an index on it needs. Throws RangeError for an invalid
 * zone or rule.
 */
export function seriesLastEnd(ev: SeriesInput): number | null {
  const s = loadSeries(ev);
  if (!s) return ev.end;
  const { count, until } = s.rule;
  if (count === null && until === null) return null;
  const exceptions = byOriginal(ev);
  let lastKept: number | null = null, lastAny = ev.start;
  const track = (start: number) => {
    lastAny = Math.max(lastAny, start);
    if (!exceptions.has(start)) lastKept = Math.max(lastKept ?? start, start);
  };
  for (const r of s.rdates) track(r);
  let ruleKept: number | null = null;
  if (count !== null) {
    const list = countedStarts(s);
    for (let i = list.length - 1; i >= 0; i--) {
      lastAny = Math.max(lastAny, list[i]);
      if (!exceptions.has(list[i])) { ruleKept = list[i]; break; }
    }
  } else if (until !== null) {
    const extra = new Set(s.rdates);
    // Search backwards from UNTIL in growing spans so a long UNTIL series is not scanned from its start.
    for (let span = 8 * s.rule.interval * PERIOD_DAYS[s.freq] * DAY; ruleKept === null; span *= 8) {
      const from = until - span;
      const end = walk(s, from, until, (start) => {
        if (start > until) return false;
        if (start >= from && !extra.has(start)) {
          lastAny = Math.max(lastAny, start);
          if (!exceptions.has(start)) ruleKept = start;
        }
        return true;
      });
      if (end === 'budget' && ruleKept === null) { lastAny = Math.max(lastAny, until); break; }
      if (from <= ev.start) break;
    }
  }
  if (ruleKept !== null) lastKept = Math.max(lastKept ?? ruleKept, ruleKept);
  let end = (lastKept ?? lastAny) + s.dur;
  for (const o of movedInto(s, exceptions, -Infinity, Infinity)) end = Math.max(end, o.end);
  return end;
}

/** Former name of seriesLastEnd. */
export const seriesEnd = seriesLastEnd;

/** Why the series cannot be split at originalStart (a message for `occurrence_start`), or null when it can. */
export function splitRefusal(ev: SeriesInput, originalStart: number): string | null {
  const s = loadSeries(ev);
  if (!s) return 'the event does not recur';
  if (originalStart === ev.start) return 'cannot split at the first occurrence';
  if (!checkOriginal(s, originalStart)) return 'is not an occurrence of the series';
  if (s.rdates.includes(originalStart) && !ruleHas(s, originalStart)) return 'cannot split at an extra (RDATE) occurrence; change that occurrence instead';
  return null;
}

function ruleHas(s: Series, t: number): boolean {
  return checkOriginal({ ...s, rdates: [] }, t);
}

/**
 * Splits a series at original rule occurrence originalStart (not the first). Returns the first
 * part's recurrence (COUNT dropped, UNTIL one second before the split, truncated to whole seconds,
 * the RDATEs before the split) and the second part's (remaining COUNT or the original UNTIL, the
 * RDATEs from the split on), with exceptions partitioned by original_start (unparsable ones
 * dropped). The second part's event must start at originalStart. If that occurrence was moved
 * forward by a DST gap, the second part keeps the moved wall-clock time. Work: bounded by COUNT
 * for COUNT rules, constant otherwise. Throws RangeError when splitRefusal gives a reason.
 */
export function splitSeries(ev: SeriesInput, originalStart: number): {
  before: { rrule: string; exceptions: OccurrenceException[] }; after: { rrule: string; exceptions: OccurrenceException[] };
} {
  const why = splitRefusal(ev, originalStart);
  if (why) throw new RangeError(`cannot split: ${why}`);
  const { rule, rdates } = parseRecurrence(ev.rrule!);
  const s = loadSeries(ev)!;
  const index = rule.count === null ? 0 : lowerBound(countedStarts(s), originalStart);
  const before: OccurrenceException[] = [], after: OccurrenceException[] = [];
  for (const ex of ev.exceptions) {
    const t = parseTimestamp(ex.original_start);
    if (t !== null) (t < originalStart ? before : after).push(ex);
  }
  const beforeRule = formatRule({ ...rule, count: null, until: Math.floor((originalStart - 1000) / 1000) * 1000 });
  const afterRule = formatRule({ ...rule, count: rule.count === null ? null : rule.count - index });
  return {
    before: { rrule: formatRecurrence(beforeRule, rdates.filter((r) => r < originalStart)), exceptions: before },
    after: { rrule: formatRecurrence(afterRule, rdates.filter((r) => r > originalStart)), exceptions: after },
  };
}
