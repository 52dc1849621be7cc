/**
 * Recurrence patterns: validation of the `recurrence_pattern` API input (the `{rrule}` form, the
 * structured form, or both, plus the `rdate`/`exdate` lists) and the presented (response) form.
 * The rule text itself is handled by recurrence-rule.ts, the stored text by recurrence-set.ts.
 *
 * `rdate` lists extra occurrence starts (stored with the rule); `exdate` lists occurrence starts
 * to leave out, which are kept as the series' cancelled exceptions (what export writes as EXDATE),
 * so a response's `exdate` is always its cancelled occurrences.
 */
import {
  canonicalWeekday, crossCheck, FREQUENCIES, formatRule, INT_LISTS, MAX_COUNT, MAX_INTERVAL, normalize, parseRuleText,
  sortWeekdays, SUB_DAILY, WEEKDAYS, type Frequency, type IntListKey, type RuleParts, type Weekday, type WeekdaySpec,
} from './recurrence-rule.js';
import { formatRecurrence, MAX_RDATES, parseRecurrence } from './recurrence-set.js';
import { formatTimestamp } from './recurrence-timestamp.js';
import { readTimestamp, timestampProblem } from './time.js';

export {
  formatRule, MAX_COUNT, MAX_INTERVAL, parseRule, parseRuleText, WEEKDAYS, type Frequency, type RuleParts, type Weekday,
} from './recurrence-rule.js';
export { formatTimestamp, parseTimestamp } from './recurrence-timestamp.js';
export { MAX_RDATES } from './recurrence-set.js';

/** At most this many `exdate` values (each becomes a cancelled exception, limited per series anyway). */
export const MAX_EXDATES = 1000;

export interface FieldError { field: string; message: string }
/** The response form. The keys after `until` are always sent; snapshots written before they existed lack them. */
export interface PresentedPattern {
  rrule: string; frequency: Frequency; interval: number; by_weekday: WeekdaySpec[] | null;
  by_month_day: number[] | null; count: number | null; until: string | null;
  by_month?: number[] | null; by_year_day?: number[] | null; by_week_no?: number[] | null; by_set_pos?: number[] | null;
  wkst?: Weekday; rdate?: string[]; exdate?: string[];
}

const LIST_KEYS = { by_month_day: 'byMonthDay', by_month: 'byMonth', by_year_day: 'byYearDay', by_week_no: 'byWeekNo', by_set_pos: 'bySetPos' } as const;
type ListKey = keyof typeof LIST_KEYS;
const STRUCT_KEYS = ['frequency', 'interval', 'by_weekday', ...Object.keys(LIST_KEYS) as ListKey[], 'wkst', 'count', 'until'] as const;
type StructKey = (typeof STRUCT_KEYS)[number];
const ALLOWED_KEYS = new Set<string>(['rrule', 'rdate', 'exdate', ...STRUCT_KEYS]);

/** Structured input after validation: a key is present iff the client sent it (null = explicitly unset). */
type Struct = Partial<Record<StructKey, unknown>>;
const CAMEL: Record<StructKey, keyof RuleParts> = {
  frequency: 'frequency', interval: 'interval', by_weekday: 'byWeekday', ...LIST_KEYS, wkst: 'wkst', count: 'count', until: 'until',
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

function intItem(key: IntListKey) {
  const { min, max } = INT_LISTS[key];
  const range = min < 0 ? `from 1 to ${max} or ${min} to -1` : `from ${min} to ${max}`;
  return (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x !== 0 && x >= min && x <= max ? x : new ItemError(`must be an integer ${range}`));
}

/** Validates the structured keys present in `obj`; a present null means "explicitly not set". */
function readStructured(obj: Record<string, unknown>, field: string, errors: FieldError[]): Struct {
  const s: Struct = {};
  for (const key of STRUCT_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    const v = obj[key], path = `${field}.${key}`;
    if (v === null) { s[key] = key === 'interval' ? 1 : key === 'wkst' ? 'MO' : null; continue; }
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
      case 'wkst': {
        const up = typeof v === 'string' ? v.toUpperCase() : '';
        if ((WEEKDAYS as string[]).includes(up)) s.wkst = up;
        else errors.push({ field: path, message: 'must be one of MO, TU, WE, TH, FR, SA, SU' });
        break;
      }
      case 'by_weekday': {
        const days = readList<string>(v, path, 64, errors, (x) => (typeof x === 'string' ? canonicalWeekday(x) : null)
          ?? new ItemError('must be one of MO, TU, WE, TH, FR, SA, SU, optionally with an ordinal such as 2TU or -1FR'));
        s.by_weekday = days && sortWeekdays(days);
        break;
      }
      case 'until': {
        const r = readTimestamp(v);
        if (!r.ok) errors.push({ field: path, message: 'must be an RFC 3339 timestamp, e.g. 2026-03-01T00:00:00Z' });
        else s.until = Math.floor(r.ms / 1000) * 1000;
        break;
      }
      default: {
        const list = readList<number>(v, path, 2 * INT_LISTS[LIST_KEYS[key]].max, errors, intItem(LIST_KEYS[key]));
        s[key] = list && list.sort((a, b) => a - b);
      }
    }
    if (s[key] === undefined) delete s[key]; // invalid: already reported, keep it out of comparisons
  }
  return s;
}

/** Reads `rdate`/`exdate`: RFC 3339 instants (wall-clock in `zone` when given). */
function readInstants(v: unknown, path: string, max: number, zone: string | null, errors: FieldError[]): number[] | undefined {
  if (v === undefined || v === null) return v === null ? [] : undefined;
  const list = readList<number>(v, path, max, errors, (x) => {
    const r = readTimestamp(x, zone);
    return r.ok ? Math.floor(r.ms / 1000) * 1000 : new ItemError(timestampProblem(r.reason, zone));
  });
  return list === undefined ? undefined : (list ?? []).sort((a, b) => a - b);
}

export type ParsedPattern = { ok: true; rrule: string; exdate?: number[] } | { ok: false; errors: FieldError[] };

/**
 * Validates the raw JSON value of `recurrence_pattern` (callers handle a null/absent pattern
 * themselves). Accepts `{rrule}`, the structured form, or both: in the combined form every
 * structured key that is present (a null counts as "explicitly unset") must agree with the rule,
 * absent keys are not compared. Empty lists mean "not set"; `until` is truncated to whole seconds.
 * `rdate` and `exdate` (RFC 3339 lists; wall-clock in `zone` when given) are independent of the
 * rule. Returns the stored recurrence text and, when `exdate` was sent, its instants; or all field
 * errors with paths prefixed by `field`.
 */
export function parsePattern(input: unknown, field = 'recurrence_pattern', zone: string | null = null): ParsedPattern {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field, message: 'must be an object with "rrule" and/or "frequency"' }] };
  }
  const obj = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(obj)) if (!ALLOWED_KEYS.has(key)) errors.push({ field: `${field}.${key.slice(0, 40)}`, message: `unknown key "${key.slice(0, 40)}"` });
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
  const rdate = readInstants(obj.rdate, `${field}.rdate`, MAX_RDATES, zone, errors);
  const exdate = readInstants(obj.exdate, `${field}.exdate`, MAX_EXDATES, zone, errors);
  const merged = { ...(fromRule ?? {}), ...Object.fromEntries(Object.entries(s).map(([k, v]) => [CAMEL[k as StructKey], v])) } as Partial<RuleParts>;
  crossCheck(merged, (part, message) => {
    const key = (Object.keys(CAMEL) as StructKey[]).find((k) => CAMEL[k] === part)!;
    if (key in s) errors.push({ field: `${field}.${key}`, message });
  });
  if (!hasRule && !s.frequency && !errors.some((e) => e.field === `${field}.frequency`)) {
    errors.push({ field: `${field}.frequency`, message: 'is required when rrule is not given' });
  }
  if (errors.length > 0) return { ok: false, errors };
  let rule: RuleParts;
  if (fromRule) {
    for (const key of STRUCT_KEYS) {
      if (!(key in s)) continue;
      const want = fromRule[CAMEL[key]];
      if (JSON.stringify(s[key] ?? null) !== JSON.stringify(want ?? null)) {
        const shown = key === 'until' && typeof want === 'number' ? formatTimestamp(want) : want;
        errors.push({ field: `${field}.${key}`, message: `does not match rrule (which has ${JSON.stringify(shown ?? null)})` });
      }
    }
    if (errors.length) return { ok: false, errors };
    rule = fromRule;
  } else {
    const parts = Object.fromEntries(Object.entries(s).map(([k, v]) => [CAMEL[k as StructKey], v ?? undefined]));
    rule = normalize({ ...parts, frequency: s.frequency as Frequency } as Partial<RuleParts> & { frequency: Frequency });
  }
  return { ok: true, rrule: formatRecurrence(rule, rdate ?? []), ...(exdate ? { exdate } : {}) };
}

/**
 * Presents stored recurrence text as the API's `recurrence_pattern` object (rrule re-canonicalized,
 * unset parts as null, times as RFC 3339 UTC; `exdate` from the cancelled exceptions given).
 * Throws RangeError if the text is invalid.
 */
export function presentPattern(text: string, exceptions: readonly { original_start: string; status: string }[] = []): PresentedPattern {
  const { rule: p, rdates } = parseRecurrence(text);
  const exdate = exceptions.filter((e) => e.status === 'cancelled').map((e) => Date.parse(e.original_start))
    .filter(Number.isFinite).sort((a, b) => a - b).map(formatTimestamp);
  const list = (xs: number[] | null) => (xs ? [...xs] : null);
  return {
    rrule: formatRule(p), frequency: p.frequency, interval: p.interval,
    by_weekday: p.byWeekday ? [...p.byWeekday] : null, by_month_day: list(p.byMonthDay), by_month: list(p.byMonth),
    by_year_day: list(p.byYearDay), by_week_no: list(p.byWeekNo), by_set_pos: list(p.bySetPos), wkst: p.wkst,
    count: p.count, until: p.until === null ? null : formatTimestamp(p.until),
    rdate: rdates.map(formatTimestamp), exdate,
  };
}
