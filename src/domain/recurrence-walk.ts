/**
 * Enumeration of a series' original occurrence starts (exceptions not applied) with rrule.
 *
 * rrule runs in "floating" time: the event start is converted to its local wall-clock fields,
 * rrule iterates over wall-clock values stored in UTC Dates (no tzid), and each result is mapped
 * back to an instant in the event's zone. That keeps 09:00 local at 09:00 across DST changes.
 *
 * Work follows the window, not the series' age: a rule without COUNT is walked from the period
 * that contains the window start (dtstart is moved forward by whole periods, arithmetically); a
 * COUNT rule (at most MAX_COUNT occurrences) is enumerated once from its start and kept in a
 * bounded cache. Every walk scans at most PERIOD_BUDGET periods without finding an occurrence.
 */
import * as rruleNs from 'rrule';
import type { Options as RRuleOptions } from 'rrule';
import { IANAZone } from 'luxon';
import { LRUCache } from 'lru-cache';
import { splitWeekday, WEEKDAYS, type Frequency, type RuleParts } from './recurrence-rule.js';
import { parseRecurrence } from './recurrence-set.js';
import { instantOf, isValidTimeZone, offsetMs, zoneOf } from './recurrence-zone.js';

// rrule ships a CJS (UMD) main without detectable named exports: Node ESM exposes it only as `default`,
// while CJS-compiled callers (tsx/esbuild interop) and bundlers expose the names directly.
type RRuleModule = typeof import('rrule');
const rruleMod = rruleNs as RRuleModule & { default?: RRuleModule };
const RRule = rruleMod.RRule ?? rruleMod.default?.RRule;
const RRULE_DAYS = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU];

/** The parts of a series that fix its original occurrences (`rrule` is the stored recurrence text). */
export interface SeriesTiming { start: number; end: number; timezone: string; rrule: string | null }

export const DAY = 86_400_000;
/** Wall-clock minus instant never exceeds ±14 h; two days leaves room for DST gap shifts. */
const MARGIN = 2 * DAY;
/** rrule stops at year 9999; scanning past it is pointless. */
const MAX_WALL = Date.UTC(9999, 11, 31, 23, 59, 59);
export const PERIOD_DAYS: Record<Frequency, number> = { DAILY: 1, WEEKLY: 7, MONTHLY: 30.44, YEARLY: 365.25 };
/**
 * The most periods one walk scans without finding an occurrence (about 10 years of days, 10 of
 * weeks, 20 of months, 100 years). A rule sparser than that is refused when written (see
 * `sparseRule`), so for accepted rules the budget only ends walks over windows that hold nothing.
 */
export const PERIOD_BUDGET: Record<Frequency, number> = { DAILY: 3660, WEEKLY: 520, MONTHLY: 240, YEARLY: 100 };

/**
 * Work done by rrule since start-up, for tests and metrics: walks started and periods scanned
 * (a period is one step of the rule's frequency; rrule's cost is proportional to it).
 */
export const recurrenceWork = { walks: 0, periods: 0 };

/** A recurring series prepared for walking; `wallStart` is the event start as floating wall-clock time. */
export interface Series {
  ev: SeriesTiming; rule: RuleParts; rdates: number[]; zone: IANAZone; dur: number;
  wallStart: number; msPart: number; freq: Frequency; rr: Partial<RRuleOptions>; dead: boolean;
  /** Every rule occurrence start of a COUNT rule, computed on first use. */
  counted?: number[];
}

/** How a walk ended: visit said stop, the series or the range ended, or the period budget ran out. */
export type WalkEnd = 'stopped' | 'end' | 'budget';

function prepare(ev: SeriesTiming, rule: RuleParts, rdates: number[]): Series {
  if (!isValidTimeZone(ev.timezone)) throw new RangeError(`invalid time zone "${ev.timezone}"`);
  if (!(Number.isFinite(ev.start) && Number.isFinite(ev.end) && ev.end >= ev.start)) {
    throw new RangeError('event end must not be before its start');
  }
  const zone = zoneOf(ev.timezone);
  const wallStart = ev.start + offsetMs(zone, ev.start);
  const d = new Date(wallStart);
  const startDay = (d.getUTCDay() + 6) % 7; // rrule numbers weekdays from MO = 0
  let freq = rule.frequency;
  let byweekday = rule.byWeekday?.map((w) => {
    const { n, day } = splitWeekday(w)!;
    return n === null ? RRULE_DAYS[WEEKDAYS.indexOf(day)] : RRULE_DAYS[WEEKDAYS.indexOf(day)].nth(n);
  }) ?? null;
  let bymonthday = rule.byMonthDay;
  let bymonth = rule.byMonth;
  // Defaults rrule would take from dtstart are made explicit so dtstart can be moved (see shiftedStart).
  if (!byweekday && !bymonthday && !rule.byYearDay && !rule.byWeekNo) {
    if (freq === 'WEEKLY') byweekday = [RRULE_DAYS[startDay]];
    if (freq === 'MONTHLY' || freq === 'YEARLY') bymonthday = [d.getUTCDate()];
    if (freq === 'YEARLY' && !bymonth) bymonth = [d.getUTCMonth() + 1];
  }
  // DAILY with day filters selects the same days as the coarser frequency but scans every day;
  // rewriting keeps sparse rules (e.g. BYMONTHDAY=31;BYDAY=MO) cheap. Only valid for INTERVAL=1 and
  // without BYSETPOS (whose sets depend on the frequency).
  if (freq === 'DAILY' && rule.interval === 1 && !rule.bySetPos && (bymonthday || byweekday)) freq = bymonthday ? 'MONTHLY' : 'WEEKLY';
  const plainDays = rule.byWeekday?.map((w) => WEEKDAYS.indexOf(splitWeekday(w)!.day)) ?? null;
  // With a multiple-of-7 day step every occurrence falls on dtstart's weekday.
  const dead = freq === 'DAILY' && rule.interval % 7 === 0 && !!plainDays && !plainDays.includes(startDay);
  const rr: Partial<RRuleOptions> = {
    freq: RRule[freq], interval: rule.interval, byweekday, bymonthday, bymonth,
    byyearday: rule.byYearDay, byweekno: rule.byWeekNo, bysetpos: rule.bySetPos, wkst: WEEKDAYS.indexOf(rule.wkst),
  };
  const msPart = ((wallStart % 1000) + 1000) % 1000;
  return { ev, rule, rdates, zone, dur: ev.end - ev.start, wallStart, msPart, freq, rr, dead };
}

/** Prepares a series for walking, or returns null for a non-recurring event. Throws RangeError for an invalid zone, rule or start/end. */
export function loadSeries(ev: SeriesTiming): Series | null {
  if (ev.rrule === null) return null;
  const { rule, rdates } = parseRecurrence(ev.rrule);
  return prepare(ev, rule, rdates);
}

/**
 * A later dtstart (≤ target, at a period boundary of the same phase) that yields the same
 * occurrences from target on, so rrule need not scan from the series start. Returns the start
 * itself when no move is possible.
 */
function shiftedStart(s: Series, target: number): number {
  const n = s.rule.interval, start = s.wallStart - s.msPart;
  if (target <= start) return start;
  if (s.freq === 'DAILY' || s.freq === 'WEEKLY') {
    const step = n * PERIOD_DAYS[s.freq] * DAY;
    return start + Math.floor((target - start) / step) * step;
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
 * Runs rrule from wall-clock `from` to `bound` in chunks of PERIOD_BUDGET periods, passing wall-clock
 * values after the series start to `visit` in increasing order. A chunk without any value ends the
 * walk with 'budget'.
 */
function runRule(s: Series, from: number, bound: number, visit: (wall: number) => boolean): WalkEnd {
  recurrenceWork.walks++;
  const periodMs = s.rule.interval * PERIOD_DAYS[s.freq] * DAY;
  let cursor = shiftedStart(s, from);
  let last = -Infinity;
  for (;;) {
    if (cursor > bound) return 'end';
    const chunkEnd = Math.min(bound, cursor + PERIOD_BUDGET[s.freq] * periodMs);
    let got = 0, stopped = false, reached = chunkEnd;
    new RRule({ ...s.rr, dtstart: new Date(cursor), until: new Date(chunkEnd) }, true).all((d) => {
      const wall = d.getTime() + s.msPart;
      if (wall <= s.wallStart || wall <= last) return true;
      last = wall;
      got++;
      if (visit(wall)) return true;
      stopped = true; reached = wall;
      return false;
    });
    recurrenceWork.periods += Math.max(1, Math.ceil((reached - cursor) / periodMs));
    if (stopped) return 'stopped';
    if (chunkEnd >= bound) return 'end';
    if (got === 0) return 'budget';
    cursor = shiftedStart(s, chunkEnd);
  }
}

/** Visits rule occurrence instants (after the start) in wall-clock range [fromWall, toWall], honouring UNTIL. */
function ruleInstants(s: Series, fromWall: number, toWall: number, visit: (start: number) => boolean): WalkEnd {
  if (s.dead) return 'end';
  const { until } = s.rule;
  let bound = Math.min(MAX_WALL, toWall);
  if (until !== null) bound = Math.min(bound, until + MARGIN);
  let pastUntil = false;
  const end = runRule(s, fromWall, bound, (wall) => {
    const start = instantOf(s.zone, wall);
    if (until !== null && start > until) { pastUntil = true; return false; }
    return visit(start);
  });
  return pastUntil ? 'end' : end;
}

/** All rule occurrence starts of a COUNT rule (the event start first), cached per rule, start and zone. */
const countedCache = new LRUCache<string, number[]>({ max: 500 });
export function countedStarts(s: Series): number[] {
  if (s.counted) return s.counted;
  const key = `${s.ev.start}|${s.ev.timezone}|${s.ev.rrule}`;
  let list = countedCache.get(key);
  if (!list) {
    const out = [s.ev.start];
    const count = s.rule.count!;
    if (count > 1) ruleInstants(s, s.wallStart, MAX_WALL, (start) => { out.push(start); return out.length < count; });
    list = out;
    countedCache.set(key, list);
  }
  s.counted = list;
  return list;
}

/** Index of the first element ≥ x in a sorted list. */
export function lowerBound(list: readonly number[], x: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Rule occurrence starts (no RDATEs) from about `from` on, in increasing order. */
function ruleStarts(s: Series, from: number, to: number, visit: (start: number) => boolean): WalkEnd {
  if (s.rule.count !== null) {
    const list = countedStarts(s);
    for (let i = lowerBound(list, from); i < list.length; i++) if (!visit(list[i])) return 'stopped';
    return 'end';
  }
  if (from <= s.ev.start && !visit(s.ev.start)) return 'stopped';
  const fromWall = Number.isFinite(from) ? Math.max(s.wallStart, from + offsetMs(s.zone, from) - MARGIN) : s.wallStart;
  return ruleInstants(s, fromWall, to + MARGIN, visit);
}

/**
 * Visits original occurrence starts (rule and RDATE, without duplicates) in increasing order: every
 * one with start ≥ from, plus possibly some earlier ones, until visit returns false or the series
 * ends (scanning need not go past `to`). Returns how the walk ended; 'budget' means the rule went
 * PERIOD_BUDGET periods without an occurrence and later ones were not looked for.
 */
export function walk(s: Series, from: number, to: number, visit: (start: number) => boolean): WalkEnd {
  const rd = s.rdates;
  let i = lowerBound(rd, from);
  let stopped = false;
  const end = ruleStarts(s, from, to, (start) => {
    for (; i < rd.length && rd[i] <= start; i++) {
      if (rd[i] === start) continue;
      if (!visit(rd[i])) { stopped = true; return false; }
    }
    if (!visit(start)) { stopped = true; return false; }
    return true;
  });
  if (stopped || end === 'stopped') return 'stopped';
  for (; i < rd.length; i++) if (!visit(rd[i])) return 'stopped';
  return end;
}

/**
 * Whether a rule is too sparse to accept: starting at the event, it goes PERIOD_BUDGET periods
 * without a second occurrence (e.g. FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30, which never recurs).
 */
export function sparseRule(ev: SeriesTiming): boolean {
  const s = loadSeries(ev);
  if (!s || s.rule.count === 1) return false;
  return ruleInstants(s, s.wallStart, MAX_WALL, () => false) === 'budget';
}
