/**
 * Recurrence patterns: parsing and validation of the `recurrence_pattern` API input,
 * the canonical RRULE string stored in the database, and the presented (response) form.
 *
 * Only a subset of RFC 5545 RECUR is supported: FREQ (DAILY..YEARLY), INTERVAL, BYDAY
 * (plain weekdays, no ordinals), BYMONTHDAY, COUNT and UNTIL (UTC). The rule text is parsed
 * here rather than by the rrule package so that every rejected input gets a precise message.
 */

export interface FieldError { field: string; message: string }
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export interface PresentedPattern {
  rrule: string; frequency: Frequency; interval: number; by_weekday: Weekday[] | null;
  by_month_day: number[] | null; count: number | null; until: string | null;
}
/** Parsed rule; `until` is epoch milliseconds truncated to whole seconds (RRULE has no sub-second UNTIL). */
export interface RuleParts {
  frequency: Frequency; interval: number; byWeekday: Weekday[] | null;
  byMonthDay: number[] | null; count: number | null; until: number | null;
}

export const MAX_COUNT = 1000;
export const MAX_INTERVAL = 1000;
/** Weekdays in canonical order; the index is also rrule's weekday number (MO = 0). */
export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FREQUENCIES: readonly Frequency[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const SUB_DAILY = ['HOURLY', 'MINUTELY', 'SECONDLY'];
const UNSUPPORTED_PARTS = new Set(['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYWEEKNO', 'BYYEARDAY', 'BYMONTH',
  'BYSETPOS', 'WKST', 'DTSTART', 'TZID', 'RDATE', 'EXDATE', 'EXRULE', 'BYEASTER']);
const STRUCT_KEYS = ['frequency', 'interval', 'by_weekday', 'by_month_day', 'count', 'until'] as const;
type StructKey = (typeof STRUCT_KEYS)[number];
const ALLOWED_KEYS = new Set<string>(['rrule', ...STRUCT_KEYS]);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const RRULE_UNTIL = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/i;

/** Epoch ms for validated UTC fields; Date.UTC alone would map years 0..99 to 19xx. */
function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}
function daysInMonth(y: number, mo: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
}

/**
 * Parses an RFC 3339 timestamp with `Z` or a numeric offset (e.g. `2026-03-01T05:00:00+05:00`).
 * Returns epoch milliseconds (fractions below 1 ms are dropped), or null when the text is not a
 * valid timestamp. Leap seconds (`:60`) and date-only values are rejected.
 */
export function parseTimestamp(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const base = utcMillis(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
  if (base === null) return null;
  const frac = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  if (m[8]) return base + frac;
  const oh = +m[10], om = +m[11];
  if (oh > 23 || om > 59) return null;
  return base + frac - (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

/** Formats epoch ms as RFC 3339 UTC without milliseconds, e.g. `2026-03-01T00:00:00Z` (sub-second part is truncated). */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds the canonical RRULE string (fixed part order, defaults omitted, lists sorted). */
export function formatRule(p: RuleParts): string {
  const out = [`FREQ=${p.frequency}`];
  if (p.interval !== 1) out.push(`INTERVAL=${p.interval}`);
  if (p.byWeekday) out.push(`BYDAY=${sortWeekdays(p.byWeekday).join(',')}`);
  if (p.byMonthDay) out.push(`BYMONTHDAY=${[...p.byMonthDay].sort((a, b) => a - b).join(',')}`);
  if (p.count !== null) out.push(`COUNT=${p.count}`);
  if (p.until !== null) out.push(`UNTIL=${formatTimestamp(p.until).replace(/[-:]/g, '')}`);
  return out.join(';');
}

function sortWeekdays(days: readonly Weekday[]): Weekday[] {
  return [...days].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));
}

/** Rules spanning several parts; `report` names the part so callers can map it to their field path. */
function crossCheck(p: Partial<RuleParts>, report: (part: 'until' | 'byMonthDay', msg: string) => void): void {
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
        const u = RRULE_UNTIL.exec(value);
        const ms = u ? utcMillis(+u[1], +u[2], +u[3], +u[4], +u[5], +u[6]) : null;
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

function normalize(p: Partial<RuleParts> & { frequency: Frequency }): RuleParts {
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

/** Structured input after validation: a key is present iff the client sent it (null = explicitly unset). */
interface Struct {
  frequency?: Frequency | null; interval?: number; by_weekday?: Weekday[] | null;
  by_month_day?: number[] | null; count?: number | null; until?: number | null;
}
const CAMEL: Record<StructKey, keyof RuleParts> = {
  frequency: 'frequency', interval: 'interval', by_weekday: 'byWeekday',
  by_month_day: 'byMonthDay', count: 'count', until: 'until',
};

function readInt(v: unknown, path: string, max: number, errors: FieldError[]): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max) return v;
  errors.push({ field: path, message: typeof v === 'number' && Number.isInteger(v) ? `must be between 1 and ${max}` : 'must be an integer' });
  return undefined;
}

class ItemError { constructor(readonly message: string) {} }

function readList<T>(v: unknown, path: string, max: number, errors: FieldError[],
  item: (x: unknown) => T | ItemError): T[] | null | undefined {
  if (!Array.isArray(v)) { errors.push({ field: path, message: 'must be an array or null' }); return undefined; }
  if (v.length > max) { errors.push({ field: path, message: `must have at most ${max} items` }); return undefined; }
  const out: T[] = [];
  const before = errors.length;
  v.forEach((x, i) => {
    const r = item(x);
    if (r instanceof ItemError) errors.push({ field: `${path}[${i}]`, message: r.message });
    else if (out.includes(r)) errors.push({ field: `${path}[${i}]`, message: 'duplicate value' });
    else out.push(r);
  });
  if (errors.length > before) return undefined;
  return out.length ? out : null; // an empty list means "not set", same as null
}

/** Validates the structured keys present in `obj`; a present null means "explicitly not set". */
function readStructured(obj: Record<string, unknown>, field: string, errors: FieldError[]): Struct {
  const s: Struct = {};
  for (const key of STRUCT_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    const v = obj[key], path = `${field}.${key}`;
    if (v === null) { if (key === 'interval') s.interval = 1; else s[key] = null; continue; }
    switch (key) {
      case 'frequency': {
        const f = typeof v === 'string' ? v.toUpperCase() : '';
        if ((FREQUENCIES as string[]).includes(f)) s.frequency = f as Frequency;
        else errors.push({ field: path, message: SUB_DAILY.includes(f)
          ? `${f} is not supported (finer than DAILY)` : 'must be one of DAILY, WEEKLY, MONTHLY, YEARLY' });
        break;
      }
      case 'interval': s.interval = readInt(v, path, MAX_INTERVAL, errors); break;
      case 'count': s.count = readInt(v, path, MAX_COUNT, errors); break;
      case 'by_weekday': {
        const days = readList<Weekday>(v, path, 7, errors, (x) => {
          const up = typeof x === 'string' ? x.toUpperCase() : '';
          return (WEEKDAYS as string[]).includes(up) ? up as Weekday : new ItemError('must be one of MO, TU, WE, TH, FR, SA, SU');
        });
        s.by_weekday = days && sortWeekdays(days);
        break;
      }
      case 'by_month_day': {
        const days = readList<number>(v, path, 31, errors, (x) =>
          typeof x === 'number' && Number.isInteger(x) && x !== 0 && x >= -31 && x <= 31
            ? x : new ItemError('must be an integer from 1 to 31 or -31 to -1'));
        s.by_month_day = days && days.sort((a, b) => a - b);
        break;
      }
      case 'until': {
        const ms = typeof v === 'string' ? parseTimestamp(v) : null;
        if (ms === null) errors.push({ field: path, message: 'must be an RFC 3339 timestamp, e.g. 2026-03-01T00:00:00Z' });
        else s.until = Math.floor(ms / 1000) * 1000;
        break;
      }
    }
    if (s[key] === undefined) delete s[key]; // invalid: already reported, keep it out of comparisons
  }
  return s;
}

/**
 * Validates the raw JSON value of `recurrence_pattern` (callers handle a null/absent pattern
 * themselves). Accepts `{rrule}`, the structured form, or both: in the combined form every
 * structured key that is present (a null counts as "explicitly unset") must agree with the rule,
 * absent keys are not compared. Empty `by_weekday`/`by_month_day` arrays mean "not set";
 * `until` is truncated to whole seconds. BYDAY ordinals (`1MO`) are rejected as unsupported.
 * Returns the canonical RRULE string, or all field errors with paths prefixed by `field`.
 */
export function parsePattern(input: unknown, field = 'recurrence_pattern'):
  { ok: true; rrule: string } | { ok: false; errors: FieldError[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field, message: 'must be an object with "rrule" and/or "frequency"' }] };
  }
  const obj = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(obj)) if (!ALLOWED_KEYS.has(key)) errors.push({ field: `${field}.${key}`, message: `unknown key "${key}"` });
  const rawRule = obj.rrule;
  const hasRule = rawRule !== undefined && rawRule !== null;
  let fromRule: RuleParts | null = null;
  if (hasRule) {
    if (typeof rawRule !== 'string') errors.push({ field: `${field}.rrule`, message: 'must be a string' });
    else {
      const r = parseRuleText(rawRule);
      if (r.ok) fromRule = r.parts;
      else for (const message of r.messages) errors.push({ field: `${field}.rrule`, message });
    }
  }
  const s = readStructured(obj, field, errors);
  crossCheck({ count: s.count, until: s.until, byMonthDay: s.by_month_day,
    frequency: s.frequency ?? fromRule?.frequency }, (part, message) => {
    const key = part === 'until' ? 'until' : 'by_month_day';
    if (key in s) errors.push({ field: `${field}.${key}`, message });
  });
  if (!hasRule && !s.frequency && !errors.some((e) => e.field === `${field}.frequency`)) {
    errors.push({ field: `${field}.frequency`, message: 'is required when rrule is not given' });
  }
  if (errors.length > 0) return { ok: false, errors };
  if (fromRule) {
    for (const key of STRUCT_KEYS) {
      if (!(key in s)) continue;
      const want = fromRule[CAMEL[key]];
      if (JSON.stringify(s[key] ?? null) !== JSON.stringify(want ?? null)) {
        const shown = key === 'until' && typeof want === 'number' ? formatTimestamp(want) : want;
        errors.push({ field: `${field}.${key}`, message: `does not match rrule (which has ${JSON.stringify(shown ?? null)})` });
      }
    }
    return errors.length ? { ok: false, errors } : { ok: true, rrule: formatRule(fromRule) };
  }
  const { frequency, interval, by_weekday: byWeekday, by_month_day: byMonthDay, count, until } = s;
  return { ok: true, rrule: formatRule(normalize({ frequency: frequency!, interval, byWeekday, byMonthDay, count, until })) };
}

/**
 * Presents a stored rule as the API's `recurrence_pattern` object (rrule re-canonicalized,
 * unset parts as null, until as RFC 3339 UTC). Throws RangeError if the rule text is invalid.
 */
export function presentPattern(rrule: string): PresentedPattern {
  const p = parseRule(rrule);
  return {
    rrule: formatRule(p), frequency: p.frequency, interval: p.interval,
    by_weekday: p.byWeekday ? [...p.byWeekday] : null, by_month_day: p.byMonthDay ? [...p.byMonthDay] : null,
    count: p.count, until: p.until === null ? null : formatTimestamp(p.until),
  };
}
