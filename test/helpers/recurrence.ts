import { DateTime } from 'luxon';
import * as rruleNs from 'rrule';
import { expandOccurrences, type SeriesInput } from '../../src/domain/recurrence-expand.js';

/* Shared by the recurrence unit tests. */
type RRuleModule = typeof import('rrule');
const rr = rruleNs as RRuleModule & { default?: RRuleModule };
/** rrule's class, whichever way the module system exposes it (for reference expansions). */
export const RRule = rr.RRule ?? rr.default!.RRule;

export const t = (iso: string) => Date.parse(iso);
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A one-hour UTC series starting at `startIso`. */
export function series(startIso: string, rrule: string | null, opts: Partial<SeriesInput> = {}): SeriesInput {
  const start = t(startIso);
  return { start, end: start + HOUR, timezone: 'UTC', rrule, exceptions: [], ...opts };
}

/** Occurrence starts (RFC 3339) inside a window. */
export const starts = (ev: SeriesInput, from = '2000-01-01T00:00:00Z', to = '2100-01-01T00:00:00Z') =>
  expandOccurrences(ev, t(from), t(to)).map((o) => iso(o.start));

/** An instant as local wall-clock text in a zone. */
export const local = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');
