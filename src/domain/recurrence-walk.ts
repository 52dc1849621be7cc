/**
 * Enumeration of a series' original occurrence starts (exceptions not applied) with rrule.
 *
 * rrule runs in "floating" time: the event start is converted to its local wall-clock fields,
 * rrule iterates over wall-clock values stored in UTC Dates (no tzid), and each result is mapped
 * back to an instant in the event's zone. That keeps 09:00 local at 09:00 across DST changes.
 */
import * as rruleNs from 'rrule';
import type { Options as RRuleOptions } from 'rrule';
import { IANAZone } from 'luxon';
import { parseRule, WEEKDAYS, type Frequency, type RuleParts } from './recurrence-rule.js';
import { instantOf, isValidTimeZone, offsetMs } from './recurrence-zone.js';

// rrule ships a CJS (UMD) main without detectable named exports: Node ESM exposes it only as `default`,
// while CJS-compiled callers (tsx/esbuild interop) and bundlers expose the names directly.
type RRuleModule = typeof import('rrule');
const rruleMod = rruleNs as RRuleModule & { default?: RRuleModule };
const RRule = rruleMod.RRule ?? rruleMod.default?.RRule;

/** The parts of a series that fix its original occurrences. */
export interface SeriesTiming { start: number; end: number; timezone: string; rrule: string | null }

export const DAY = 86_400_000;
/** Wall-clock minus instant never exceeds ±14 h; two days leaves room for DST gap shifts. */
const MARGIN = 2 * DAY;
/** rrule stops at year 9999; scanning past it is pointless. */
const MAX_WALL = Date.UTC(9999, 11, 31, 23, 59, 59);
/**
 * A COUNT rule must be walked from its start to number the occurrences; filters can make it sparse
 * (even empty), so the scan is capped at this many periods. Occurrences past the cap are never generated
 * by `walk`, the only source of occurrences, which keeps expansion, seriesEnd and splitting consistent.
 */
const COUNT_HORIZON: Record<Frequency, number> = { DAILY: 40_000, WEEKLY: 20_000, MONTHLY: 20_000, YEARLY: 2_000 };
export const PERIOD_DAYS: Record<Frequency, number> = { DAILY: 1, WEEKLY: 7, MONTHLY: 31, YEARLY: 366 };

/** A recurring series prepared for walking; `wallStart` is the event start as floating wall-clock time. */
export interface Series {
  ev: SeriesTiming; rule: RuleParts; zone: IANAZone; dur: number;
  wallStart: number; msPart: number; freq: Frequency; rr: Partial<RRuleOptions>; dead: boolean;
}

function prepare(ev: SeriesTiming, rule: RuleParts): Series {
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

/** Prepares a series for walking, or returns null for a non-recurring event. Throws RangeError for an invalid zone, rule or start/end. */
export function loadSeries(ev: SeriesTiming): Series | null {
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
export function walk(s: Series, from: number, to: number, visit: (start: number, index: number) => boolean): void {
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
