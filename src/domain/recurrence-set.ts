/**
 * The stored recurrence text: one canonical RRULE, optionally followed by an RDATE line listing
 * extra occurrence starts as UTC date-times, e.g.
 *
 *   FREQ=MONTHLY;BYDAY=1FR;COUNT=10
 *   RDATE:19971225T140000Z,19980101T140000Z
 *
 * That is the RFC 5545 recurrence set minus EXDATE, which Tandem keeps as cancelled exceptions
 * (they are what an export writes as EXDATE). Keeping RDATE in the same column keeps the event row,
 * its snapshots and its history in one field.
 */
import { formatRule, parseRule, type RuleParts } from './recurrence-rule.js';
import { formatUntil, parseUntil } from './recurrence-timestamp.js';

/** At most this many RDATE values per series (each is an extra occurrence to store and expand). */
export const MAX_RDATES = 1000;

export interface RecurrenceSet { rule: RuleParts; rdates: number[] }

/** Splits stored text into its rule line and its RDATE instants (sorted, unique); throws RangeError when invalid. */
export function parseRecurrence(text: string): RecurrenceSet {
  const nl = text.indexOf('\n');
  if (nl < 0) return { rule: parseRule(text), rdates: [] };
  const rule = parseRule(text.slice(0, nl));
  const line = text.slice(nl + 1);
  if (!line.startsWith('RDATE:')) throw new RangeError(`invalid recurrence text "${text}"`);
  const rdates = line.slice(6).split(',').map((v) => {
    const ms = parseUntil(v);
    if (ms === null) throw new RangeError(`invalid RDATE value "${v}"`);
    return ms;
  });
  return { rule, rdates: normalizeRdates(rdates) };
}

/** The RRULE line of stored text (what an iCalendar RRULE property carries). */
export function ruleLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}

/** Sorted, duplicate-free, truncated to whole seconds (RFC 5545 date-times have no fractions). */
export function normalizeRdates(rdates: readonly number[]): number[] {
  return [...new Set(rdates.map((ms) => Math.floor(ms / 1000) * 1000))].sort((a, b) => a - b);
}

/** Builds stored text from a rule (parts or canonical text) and extra starts. */
export function formatRecurrence(rule: RuleParts | string, rdates: readonly number[] = []): string {
  const head = typeof rule === 'string' ? formatRule(parseRule(rule)) : formatRule(rule);
  const list = normalizeRdates(rdates);
  return list.length ? `${head}\nRDATE:${list.map(formatUntil).join(',')}` : head;
}
