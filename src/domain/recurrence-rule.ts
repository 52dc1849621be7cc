/**
 * RRULE text: the parsed parts, parsing of rule text and the canonical string stored in the database.
 *
 * Every RFC 5545 RECUR part of a daily-or-coarser rule is supported: FREQ (DAILY..YEARLY), INTERVAL,
 * BYDAY (with ordinals such as `2TU`, `-1FR`), BYMONTHDAY, BYMONTH, BYYEARDAY, BYWEEKNO, BYSETPOS,
 * WKST, COUNT and UNTIL (UTC). Parts that make a rule finer than daily (BYHOUR, BYMINUTE, BYSECOND,
 * HOURLY…) are refused. The text is parsed here rather than by the rrule package so that every
 * rejected input gets a precise message; rrule only enumerates (recurrence-walk.ts).
 */
import { formatUntil, parseUntil } from './recurrence-timestamp.js';

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
/** A BYDAY item: a weekday with an optional ordinal, canonical upper-case without `+` (`MO`, `2TU`, `-1FR`). */
export type WeekdaySpec = string;
export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
/** Parsed rule; `until` is epoch milliseconds truncated to whole seconds (RRULE has no sub-second UNTIL). */
export interface RuleParts {
  frequency: Frequency; interval: number; byWeekday: WeekdaySpec[] | null;
  byMonthDay: number[] | null; byMonth: number[] | null; byYearDay: number[] | null;
  byWeekNo: number[] | null; bySetPos: number[] | null; wkst: Weekday;
  count: number | null; until: number | null;
}
/** The list-valued integer parts, with their RFC 5545 ranges (0 never allowed). */
export const INT_LISTS = {
  byMonthDay: { part: 'BYMONTHDAY', min: -31, max: 31, what: 'month day' },
  byMonth: { part: 'BYMONTH', min: 1, max: 12, what: 'month' },
  byYearDay: { part: 'BYYEARDAY', min: -366, max: 366, what: 'year day' },
  byWeekNo: { part: 'BYWEEKNO', min: -53, max: 53, what: 'week number' },
  bySetPos: { part: 'BYSETPOS', min: -366, max: 366, what: 'set position' },
} as const;
export type IntListKey = keyof typeof INT_LISTS;

/**
 * COUNT is capped so that numbering the occurrences of a COUNT rule (which must start at the series'
 * first occurrence) costs at most this many occurrences, however old the series.
 */
export const MAX_COUNT = 1000;
export const MAX_INTERVAL = 1000;
/** Longest accepted rule text (a rule with every list full is far shorter). */
export const MAX_RULE_LENGTH = 4000;
/** Weekdays in canonical order; the index is also rrule's weekday number (MO = 0). */
export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
export const FREQUENCIES: readonly Frequency[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
export const SUB_DAILY = ['HOURLY', 'MINUTELY', 'SECONDLY'];
const FINER_PARTS = new Set(['BYSECOND', 'BYMINUTE', 'BYHOUR']);
const NOT_RULE_PARTS = new Set(['DTSTART', 'TZID', 'RDATE', 'EXDATE', 'EXRULE', 'BYEASTER']);
const INT_BY_PART = new Map<string, IntListKey>(Object.entries(INT_LISTS).map(([k, v]) => [v.part, k as IntListKey]));

/** Splits a BYDAY item into its ordinal (null for none) and weekday; null when malformed. */
export function splitWeekday(spec: string): { n: number | null; day: Weekday } | null {
  const m = /^([+-]?\d{1,2})?([A-Za-z]{2})$/.exec(spec);
  if (!m) return null;
  const day = m[2].toUpperCase() as Weekday;
  if (!WEEKDAYS.includes(day)) return null;
  const n = m[1] === undefined ? null : Number(m[1]);
  return n === 0 || (n !== null && Math.abs(n) > 53) ? null : { n, day };
}

function weekdayKey(spec: string): number {
  const w = splitWeekday(spec)!;
  return WEEKDAYS.indexOf(w.day) * 1000 + (w.n === null ? 0 : w.n < 0 ? 500 - w.n : w.n);
}

/** Returns a copy of the BYDAY items in canonical order (MO first; plain day, then 1, 2…, then -1, -2…). */
export function sortWeekdays(days: readonly string[]): WeekdaySpec[] {
  return [...days].sort((a, b) => weekdayKey(a) - weekdayKey(b));
}

/** Canonical form of a BYDAY item (`+2tu` → `2TU`); null when malformed. */
export function canonicalWeekday(spec: string): WeekdaySpec | null {
  const w = splitWeekday(spec);
  return w ? `${w.n ?? ''}${w.day}` : null;
}

const sortNums = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/** Builds the canonical RRULE string (fixed part order, defaults omitted, lists sorted). */
export function formatRule(p: RuleParts): string {
  const out = [`FREQ=${p.frequency}`];
  if (p.interval !== 1) out.push(`INTERVAL=${p.interval}`);
  if (p.byWeekday) out.push(`BYDAY=${sortWeekdays(p.byWeekday).join(',')}`);
  if (p.byMonthDay) out.push(`BYMONTHDAY=${sortNums(p.byMonthDay).join(',')}`);
  if (p.byMonth) out.push(`BYMONTH=${sortNums(p.byMonth).join(',')}`);
  if (p.byYearDay) out.push(`BYYEARDAY=${sortNums(p.byYearDay).join(',')}`);
  if (p.byWeekNo) out.push(`BYWEEKNO=${sortNums(p.byWeekNo).join(',')}`);
  if (p.bySetPos) out.push(`BYSETPOS=${sortNums(p.bySetPos).join(',')}`);
  if (p.wkst !== 'MO') out.push(`WKST=${p.wkst}`);
  if (p.count !== null) out.push(`COUNT=${p.count}`);
  if (p.until !== null) out.push(`UNTIL=${formatUntil(p.until)}`);
  return out.join(';');
}

type CrossPart = 'until' | 'byMonthDay' | 'byYearDay' | 'byWeekNo' | 'byWeekday' | 'bySetPos';

/** RFC 5545 §3.3.10 rules spanning several parts; `report` names the part so callers can map it to their field path. */
export function crossCheck(p: Partial<RuleParts>, report: (part: CrossPart, msg: string) => void): void {
  const f = p.frequency;
  if (p.count != null && p.until != null) report('until', 'COUNT and UNTIL cannot both be set');
  if (f === 'WEEKLY' && p.byMonthDay) report('byMonthDay', 'BYMONTHDAY cannot be used with FREQ=WEEKLY');
  if (f && f !== 'YEARLY' && p.byYearDay) report('byYearDay', 'BYYEARDAY can only be used with FREQ=YEARLY');
  if (f && f !== 'YEARLY' && p.byWeekNo) report('byWeekNo', 'BYWEEKNO can only be used with FREQ=YEARLY');
  const ordinals = (p.byWeekday ?? []).map(splitWeekday).filter((w) => w && w.n !== null) as { n: number }[];
  if (ordinals.length) {
    if (f === 'DAILY' || f === 'WEEKLY') report('byWeekday', 'BYDAY ordinals (e.g. 2TU) need FREQ=MONTHLY or YEARLY');
    else if (f === 'YEARLY' && p.byWeekNo) report('byWeekday', 'BYDAY ordinals cannot be used with BYWEEKNO');
    else if (f === 'MONTHLY' && !p.byMonth && ordinals.some((w) => Math.abs(w.n) > 5)) report('byWeekday', 'a month has at most 5 of each weekday');
  }
  const others = p.byWeekday || p.byMonthDay || p.byMonth || p.byYearDay || p.byWeekNo;
  if (p.bySetPos && !others) report('bySetPos', 'BYSETPOS needs another BYxxx part to select from');
}

/**
 * Parses RFC 5545 rule text (optional leading `RRULE:`, parts in any order, names and values
 * case-insensitive). UNTIL must be UTC (`YYYYMMDDTHHMMSSZ`). Returns the parts, or every problem
 * found as messages.
 */
export function parseRuleText(text: string): { ok: true; parts: RuleParts } | { ok: false; messages: string[] } {
  if (text.length > MAX_RULE_LENGTH) return { ok: false, messages: [`rule is longer than ${MAX_RULE_LENGTH} characters`] };
  const msgs: string[] = [];
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') return { ok: false, messages: ['rule is empty'] };
  const p: Partial<RuleParts> = {};
  const seen = new Set<string>();
  for (const seg of body.split(';')) {
    const m = /^([A-Za-z]+)=([^=]+)$/.exec(seg);
    if (!m) { msgs.push(`malformed rule part "${seg.slice(0, 40)}"`); continue; }
    const name = m[1].toUpperCase(), value = m[2];
    if (seen.has(name)) { msgs.push(`rule part ${name} given more than once`); continue; }
    seen.add(name);
    const bad = (why: string) => msgs.push(`${name}: ${why}`);
    const intList = INT_BY_PART.get(name);
    if (intList) {
      const { min, max, what } = INT_LISTS[intList];
      const list: number[] = [];
      for (const item of value.split(',')) {
        const n = /^[+-]?\d{1,3}$/.test(item) ? Number(item) : NaN;
        if (!(n >= min && n <= max && n !== 0)) bad(`invalid ${what} "${item.slice(0, 12)}" (${min < 0 ? `1..${max} or ${min}..-1` : `${min}..${max}`})`);
        else if (list.includes(n)) bad(`duplicate ${what} "${item}"`);
        else list.push(n);
      }
      p[intList] = list;
      continue;
    }
    switch (name) {
      case 'FREQ': {
        const f = value.toUpperCase();
        if (SUB_DAILY.includes(f)) bad(`${f} is not supported (finer than DAILY)`);
        else if ((FREQUENCIES as string[]).includes(f)) p.frequency = f as Frequency;
        else bad(`invalid frequency "${value.slice(0, 20)}"`);
        break;
      }
      case 'INTERVAL': case 'COUNT': {
        const max = name === 'COUNT' ? MAX_COUNT : MAX_INTERVAL;
        const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= max)) bad(`must be an integer from 1 to ${max}`);
        else if (name === 'COUNT') p.count = n; else p.interval = n;
        break;
      }
      case 'BYDAY': {
        const days: WeekdaySpec[] = [];
        for (const item of value.split(',')) {
          const c = canonicalWeekday(item);
          if (c === null) bad(`invalid weekday "${item.slice(0, 12)}" (MO…SU, optionally with an ordinal such as 2TU or -1FR)`);
          else if (days.includes(c)) bad(`duplicate weekday "${item}"`);
          else days.push(c);
        }
        p.byWeekday = days;
        break;
      }
      case 'WKST': {
        const d = value.toUpperCase();
        if ((WEEKDAYS as string[]).includes(d)) p.wkst = d as Weekday;
        else bad(`invalid weekday "${value.slice(0, 12)}"`);
        break;
      }
      case 'UNTIL': {
        const ms = parseUntil(value);
        if (ms === null) bad(`must be a UTC date-time like 20260301T000000Z, got "${value.slice(0, 30)}"`);
        else p.until = ms;
        break;
      }
      default:
        if (FINER_PARTS.has(name)) msgs.push(`rule part ${name} is not supported (finer than DAILY)`);
        else if (NOT_RULE_PARTS.has(name)) msgs.push(`rule part ${name} is unsupported inside RRULE${name === 'RDATE' || name === 'EXDATE' ? ` (use recurrence_pattern.${name.toLowerCase()})` : ''}`);
        else msgs.push(`unknown rule part ${name.slice(0, 20)}`);
    }
  }
  if (!seen.has('FREQ')) msgs.push('FREQ is required');
  crossCheck(p, (_part, msg) => msgs.push(msg));
  return msgs.length > 0 || !p.frequency ? { ok: false, messages: msgs } : { ok: true, parts: normalize({ ...p, frequency: p.frequency }) };
}

const listOrNull = (xs: readonly number[] | null | undefined) => (xs && xs.length ? sortNums(xs) : null);

/** Fills defaults (INTERVAL 1, WKST MO, unset parts null) and sorts lists; an empty list counts as unset. */
export function normalize(p: Partial<RuleParts> & { frequency: Frequency }): RuleParts {
  return {
    frequency: p.frequency, interval: p.interval ?? 1,
    byWeekday: p.byWeekday && p.byWeekday.length ? sortWeekdays(p.byWeekday) : null,
    byMonthDay: listOrNull(p.byMonthDay), byMonth: listOrNull(p.byMonth), byYearDay: listOrNull(p.byYearDay),
    byWeekNo: listOrNull(p.byWeekNo), bySetPos: listOrNull(p.bySetPos), wkst: p.wkst ?? 'MO',
    count: p.count ?? null, until: p.until ?? null,
  };
}

/** Parses trusted rule text (e.g. a stored canonical string). Returns its parts; throws RangeError when invalid. */
export function parseRule(text: string): RuleParts {
  const r = parseRuleText(text);
  if (!r.ok) throw new RangeError(`invalid recurrence rule "${text}": ${r.messages.join('; ')}`);
  return r.parts;
}
