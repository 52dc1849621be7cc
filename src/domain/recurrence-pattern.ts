/**
 * Recurrence patterns: validation of the `recurrence_pattern` API input (the `{rrule}` form, the
 * structured form, or both) and the presented (response) form. The rule text itself is handled
 * by recurrence-rule.ts, timestamps by recurrence-timestamp.ts.
 */
import {
  crossCheck, FREQUENCIES, formatRule, MAX_COUNT, MAX_INTERVAL, normalize, parseRule, parseRuleText, sortWeekdays,
  SUB_DAILY, WEEKDAYS, type Frequency, type RuleParts, type Weekday,
} from './recurrence-rule.js';
import { formatTimestamp, parseTimestamp } from './recurrence-timestamp.js';

export {
  formatRule, MAX_COUNT, MAX_INTERVAL, parseRule, parseRuleText, WEEKDAYS, type Frequency, type RuleParts, type Weekday,
} from './recurrence-rule.js';
export { formatTimestamp, parseTimestamp } from './recurrence-timestamp.js';

export interface FieldError { field: string; message: string }
export interface PresentedPattern {
  rrule: string; frequency: Frequency; interval: number; by_weekday: Weekday[] | null;
  by_month_day: number[] | null; count: number | null; until: string | null;
}

const STRUCT_KEYS = ['frequency', 'interval', 'by_weekday', 'by_month_day', 'count', 'until'] as const;
type StructKey = (typeof STRUCT_KEYS)[number];
const ALLOWED_KEYS = new Set<string>(['rrule', ...STRUCT_KEYS]);

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
