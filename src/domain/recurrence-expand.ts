/**
 * Time-zone-correct expansion of recurring events.
 *
 * rrule runs in "floating" time: the event start is converted to its local wall-clock fields,
 * rrule iterates over wall-clock values stored in UTC Dates (no tzid), and each result is mapped
 * back to an instant in the event's zone. That keeps 09:00 local at 09:00 across DST changes.
 */
import * as rruleNs from 'rrule';
import type { Options as RRuleOptions } from 'rrule';
import { IANAZone } from 'luxon';
import { formatRule, parseRule, parseTimestamp, WEEKDAYS, type Frequency, type RuleParts } from './recurrence-pattern.js';

// rrule ships a CJS (UMD) main without detectable named exports: Node ESM exposes it only as `default`,
// while CJS-compiled callers (tsx/esbuild interop) and bundlers expose the names directly.
type RRuleModule = typeof import('rrule');
const rruleMod = rruleNs as RRuleModule & { default?: RRuleModule };
const RRule = rruleMod.RRule ?? rruleMod.default?.RRule;

export interface OccurrenceException {
  original_start: string; status: 'cancelled' | 'changed'; start_time?: string; end_time?: string;
  title?: string; description?: string; location?: string;
}
export interface SeriesInput { start: number; end: number; timezone: string; rrule: string | null; exceptions: OccurrenceException[] }
export interface Occurrence {
  original_start: number; start: number; end: number; is_exception: boolean;
  overrides: { title?: string; description?: string; location?: string };
}

const DAY = 86_400_000;
/** Wall-clock minus instant never exceeds ±14 h; two days leaves room for DST gap shifts. */
const MARGIN = 2 * DAY;
/** rrule stops at year 9999; scanning past it is pointless. */
const MAX_WALL = Date.UTC(9999, 11, 31, 23, 59, 59);
/**
 * A COUNT rule must be walked from its start to number the occurrences; filters can make it sparse
 * (even empty), so the scan is capped at this many periods. Occurrences past the cap are never generated
 * by any function here, which keeps expansion, seriesEnd and splitting consistent with each other.
 */
const COUNT_HORIZON: Record<Frequency, number> = { DAILY: 40_000, WEEKLY: 20_000, MONTHLY: 20_000, YEARLY: 2_000 };
const PERIOD_DAYS: Record<Frequency, number> = { DAILY: 1, WEEKLY: 7, MONTHLY: 31, YEARLY: 366 };

/** Whether tz is an IANA time-zone name known to this runtime (e.g. `Europe/London`, `UTC`). Returns false for offsets like `+05:00`. */
export function isValidTimeZone(tz: string): boolean {
  return typeof tz === 'string' && IANAZone.isValidZone(tz);
}

interface Series {
  ev: SeriesInput; rule: RuleParts; zone: IANAZone; dur: number;
  wallStart: number; msPart: number; freq: Frequency; rr: Partial<RRuleOptions>; dead: boolean;
}

function offsetMs(zone: IANAZone, ts: number): number { return Math.round(zone.offset(ts) * 60_000); }

/**
 * Maps a wall-clock value to an instant. Ambiguous times (fall-back) take the earlier instant;
 * non-existent ones (spring-forward gap) are read with the pre-transition offset, which moves them
 * forward by the gap. luxon's own resolution of ambiguous times is not consistent across zones.
 */
function instantOf(zone: IANAZone, wall: number): number {
  const before = offsetMs(zone, wall - DAY), after = offsetMs(zone, wall + DAY);
  let best: number | null = null;
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off;
    if (offsetMs(zone, t) === off && (best === null || t < best)) best = t;
  }
  return best ?? wall - before;
}

function prepare(ev: SeriesInput, rule: RuleParts): Series {
  if (!isValidTimeZone(ev.timezone)) throw new RangeError(`invalid time zone "${ev.timezone}"`);
  if (!(Number.isFinite(ev.start) && Number.isFinite(ev.end) && ev.end >= ev.start)) {
    throw new RangeError('event end must not be before its start');
  }
  const zone = IANAZone.create(ev.timezone);
  const wallStart = ev.start + offsetMs(zone, ev.start);
  const d = new Date(wallStart);
  const startDay = (d.getUTCDay() + 6) % 7; // rrule numbers weekdays from MO = 0
  let freq = rule.frequency;
  let byweekday = rule.byWeekday?.map((w) => WEEKDAYS.indexOf(w)) ?? null;
  let bymonthday = rule.byMonthDay;
  let bymonth: number | null = null;
  // Defaults rrule would take from dtstart are made explicit so dtstart can be moved (see shiftedStart).
  if (!byweekday && !bymonthday) {
    if (freq === 'WEEKLY') byweekday = [startDay];
    if (freq === 'MONTHLY' || freq === 'YEARLY') bymonthday = [d.getUTCDate()];
    if (freq === 'YEARLY') bymonth = d.getUTCMonth() + 1;
  }
  // DAILY with filters selects the same days as the coarser frequency but scans every day; rewriting
  // keeps sparse rules (e.g. BYMONTHDAY=31;BYDAY=MO) cheap. Only valid for INTERVAL=1.
  if (freq === 'DAILY' && rule.interval === 1 && (bymonthday || byweekday)) freq = bymonthday ? 'MONTHLY' : 'WEEKLY';
  // With a multiple-of-7 day step every occurrence falls on dtstart's weekday.
  const dead = freq === 'DAILY' && rule.interval % 7 === 0 && !!byweekday && !byweekday.includes(startDay);
  const rr: Partial<RRuleOptions> = { freq: RRule[freq], interval: rule.interval, byweekday, bymonthday, bymonth, wkst: 0 };
  const msPart = ((wallStart % 1000) + 1000) % 1000;
  return { ev, rule, zone, dur: ev.end - ev.start, wallStart, msPart, freq, rr, dead };
}

function load(ev: SeriesInput): Series | null {
  return ev.rrule === null ? null : prepare(ev, parseRule(ev.rrule));
}

/**
 * A later dtstart (≤ target, same period phase) that yields the same occurrences from target on,
 * so rrule need not scan from the series start. Returns wallStart when no move is possible.
 */
function shiftedStart(s: Series, target: number): number {
  const n = s.rule.interval, start = s.wallStart - s.msPart;
  if (s.freq === 'DAILY' || s.freq === 'WEEKLY') {
    const step = n * PERIOD_DAYS[s.freq] * DAY;
    return start + Math.max(0, Math.floor((target - start) / step)) * step;
  }
  const a = new Date(start), b = new Date(target);
  const months = s.freq === 'MONTHLY';
  const diff = months ? (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth()
    : b.getUTCFullYear() - a.getUTCFullYear();
  const k = Math.floor(diff / n);
  if (k <= 0) return start;
  const out = new Date(start);
  if (months) out.setUTCMonth(a.getUTCMonth() + k * n, 1); else out.setUTCFullYear(a.getUTCFullYear() + k * n, 0, 1);
  return out.getTime();
}

/**
 * Visits original occurrence starts in increasing order: every one with start ≥ from, plus possibly
 * some earlier ones, until visit returns false or the series ends (scanning need not go past `to`).
 * The index is exact for full walks (from the series start, always the case for COUNT rules), else -1.
 */
function walk(s: Series, from: number, to: number, visit: (start: number, index: number) => boolean): void {
  const { rule } = s;
  const dt = rule.count === null && from > s.ev.start ? shiftedStart(s, from - MARGIN) : s.wallStart - s.msPart;
  const full = dt === s.wallStart - s.msPart;
  let index = 0;
  // The event's own start is always the first occurrence, even when the rule would not select it.
  if (full && !visit(s.ev.start, index++)) return;
  if (s.dead) return;
  let bound = Math.min(MAX_WALL, to + MARGIN);
  if (rule.until !== null) bound = Math.min(bound, rule.until + MARGIN);
  if (rule.count !== null) bound = Math.min(bound, s.wallStart + COUNT_HORIZON[s.freq] * rule.interval * PERIOD_DAYS[s.freq] * DAY);
  if (dt > bound) return;
  const skipBelow = from - MARGIN;
  const rr = new RRule({ ...s.rr, dtstart: new Date(dt), until: new Date(bound) }, true);
  rr.all((d) => {
    const wall = d.getTime() + s.msPart;
    if (wall <= s.wallStart) return true;
    if (rule.count !== null && index >= rule.count) return false;
    // Certainly before `from` (and never past UNTIL, which excludes COUNT): only the numbering matters,
    // so skip the comparatively costly zone conversion when walking a COUNT series up to a window.
    if (wall < skipBelow) { index++; return true; }
    const start = instantOf(s.zone, wall);
    if (rule.until !== null && start > rule.until) return false;
    return visit(start, full ? index++ : -1);
  });
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
  const s = load(ev);
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
  const s = load(ev);
  return s ? checkOriginal(s, originalStart) : originalStart === ev.start;
}

/**
 * Returns the 0-based index of originalStart among the series' original occurrences, or -1 when
 * it is not one. Walks from the series start. Throws RangeError for an invalid zone or rule.
 */
export function occurrenceIndex(ev: SeriesInput, originalStart: number): number {
  const s = load(ev);
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
  const s = load(ev);
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
