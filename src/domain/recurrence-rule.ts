/**
 * RRULE text: the parsed parts, parsing of rule text and the canonical string stored in the database.
 *
 * Only a subset of RFC 5545 RECUR is supported: FREQ (DAILY..YEARLY), INTERVAL, BYDAY
 * (plain weekdays, no ordinals), BYMONTHDAY, COUNT and UNTIL (UTC). The rule text is parsed
 * here rather than by the rrule package so that every rejected input gets a precise message.
 */
import { formatUntil, parseUntil } from './recurrence-timestamp.js';

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
/** Parsed rule; `until` is epoch milliseconds truncated to whole seconds (RRULE has no sub-second UNTIL). */
export interface RuleParts {
  frequency: Frequency; interval: number; byWeekday: Weekday[] | null;
  byMonthDay: number[] | null; count: number | null; until: number | null;
}

export const MAX_COUNT = 1000;
export const MAX_INTERVAL = 1000;
/** Weekdays in canonical order; the index is also rrule's weekday number (MO = 0). */
export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
export const FREQUENCIES: readonly Frequency[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
export const SUB_DAILY = ['HOURLY', 'MINUTELY', 'SECONDLY'];
const UNSUPPORTED_PARTS = new Set(['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYWEEKNO', 'BYYEARDAY', 'BYMONTH',
  'BYSETPOS', 'WKST', 'DTSTART', 'TZID', 'RDATE', 'EXDATE', 'EXRULE', 'BYEASTER']);

/** Builds the canonical RRULE string (fixed part order, defaults omitted, lists sorted). */
export function formatRule(p: RuleParts): string {
  const out = [`FREQ=${p.frequency}`];
  if (p.interval !== 1) out.push(`INTERVAL=${p.interval}`);
  if (p.byWeekday) out.push(`BYDAY=${sortWeekdays(p.byWeekday).join(',')}`);
  if (p.byMonthDay) out.push(`BYMONTHDAY=${[...p.byMonthDay].sort((a, b) => a - b).join(',')}`);
  if (p.count !== null) out.push(`COUNT=${p.count}`);
  if (p.until !== null) out.push(`UNTIL=${formatUntil(p.until)}`);
  return out.join(';');
}

/** Returns a copy of the weekdays in canonical order (MO first). */
export function sortWeekdays(days: readonly Weekday[]): Weekday[] {
  return [...days].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));
}

/** Rules spanning several parts; `report` names the part so callers can map it to their field path. */
export function crossCheck(p: Partial<RuleParts>, report: (part: 'until' | 'byMonthDay', msg: string) => void): void {
  if (p.count != null && p.until != null) report('until', 'COUNT and UNTIL cannot both be set');
  // RFC 5545 §3.3.10: BYMONTHDAY MUST NOT be specified when FREQ is WEEKLY.
  if (p.frequency === 'WEEKLY' && p.byMonthDay) report('byMonthDay', 'BYMONTHDAY cannot be used with FREQ=WEEKLY');
}

/**
 * Parses RFC 5545 rule text (optional leading `RRULE:`, parts in any order, names and values
 * case-insensitive). Only FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT and UNTIL are supported;
 * BYDAY ordinals such as `1MO`/`-1FR` are rejected as unsupported, UNTIL must be UTC
 * (`YYYYMMDDTHHMMSSZ`). Returns the parts, or every problem found as messages.
 */
export function parseRuleText(text: string): { ok: true; parts: RuleParts } | { ok: false; messages: string[] } {
  const msgs: string[] = [];
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') return { ok: false, messages: ['rule is empty'] };
  const p: Partial<RuleParts> = {};
  const seen = new Set<string>();
  for (const seg of body.split(';')) {
    const m = /^([A-Za-z]+)=([^=]+)$/.exec(seg);
    if (!m) { msgs.push(`malformed rule part "${seg}"`); continue; }
    const name = m[1].toUpperCase(), value = m[2];
    if (seen.has(name)) { msgs.push(`rule part ${name} given more than once`); continue; }
    seen.add(name);
    const bad = (why: string) => msgs.push(`${name}: ${why}`);
    switch (name) {
      case 'FREQ': {
        const f = value.toUpperCase();
        if (SUB_DAILY.includes(f)) bad(`${f} is not supported (finer than DAILY)`);
        else if ((FREQUENCIES as string[]).includes(f)) p.frequency = f as Frequency;
        else bad(`invalid frequency "${value}"`);
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
        const days: Weekday[] = [];
        for (const item of value.split(',')) {
          const up = item.toUpperCase();
          if (/^[+-]?\d+[A-Z]{2}$/.test(up)) bad(`ordinal weekday "${item}" is not supported`);
          else if (!(WEEKDAYS as string[]).includes(up)) bad(`invalid weekday "${item}"`);
          else if (days.includes(up as Weekday)) bad(`duplicate weekday "${item}"`);
          else days.push(up as Weekday);
        }
        p.byWeekday = days;
        break;
      }
      case 'BYMONTHDAY': {
        const list: number[] = [];
        for (const item of value.split(',')) {
          const n = /^[+-]?\d{1,2}$/.test(item) ? Number(item) : NaN;
          if (!(n >= -31 && n <= 31 && n !== 0)) bad(`invalid month day "${item}" (1..31 or -31..-1)`);
          else if (list.includes(n)) bad(`duplicate month day "${item}"`);
          else list.push(n);
        }
        p.byMonthDay = list;
        break;
      }
      case 'UNTIL': {
        const ms = parseUntil(value);
        if (ms === null) bad(`must be a UTC date-time like 20260301T000000Z, got "${value}"`);
        else p.until = ms;
        break;
      }
      default:
        msgs.push(UNSUPPORTED_PARTS.has(name) ? `rule part ${name} is unsupported` : `unknown rule part ${name}`);
    }
  }
  if (!seen.has('FREQ')) msgs.push('FREQ is required');
  crossCheck(p, (_part, msg) => msgs.push(msg));
  return msgs.length > 0 || !p.frequency ? { ok: false, messages: msgs } : { ok: true, parts: normalize({ ...p, frequency: p.frequency }) };
}

/** Fills defaults (INTERVAL 1, unset parts null) and sorts lists; an empty list counts as unset. */
export function normalize(p: Partial<RuleParts> & { frequency: Frequency }): RuleParts {
  return {
    frequency: p.frequency, interval: p.interval ?? 1,
    byWeekday: p.byWeekday && p.byWeekday.length ? sortWeekdays(p.byWeekday) : null,
    byMonthDay: p.byMonthDay && p.byMonthDay.length ? [...p.byMonthDay].sort((a, b) => a - b) : null,
    count: p.count ?? null, until: p.until ?? null,
  };
}

/** Parses trusted rule text (e.g. a stored canonical string). Returns its parts; throws RangeError when invalid. */
export function parseRule(text: string): RuleParts {
  const r = parseRuleText(text);
  if (!r.ok) throw new RangeError(`invalid recurrence rule "${text}": ${r.messages.join('; ')}`);
  return r.parts;
}
