/**
 * Text forms of instants in recurrence data: RFC 3339 in the API (`until`, exception times; parsed
 * by the one parser in time.ts) and the RFC 5545 UTC date-time of an RRULE's UNTIL part and of
 * RDATE values (`20260301T000000Z`).
 */
import { utcMillis } from './time.js';

export { parseTimestamp } from './time.js';

const RRULE_UNTIL = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/i;

/** Formats epoch ms as RFC 3339 UTC without milliseconds, e.g. `2026-03-01T00:00:00Z` (sub-second part is truncated). */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses an UNTIL value, which must be UTC (`YYYYMMDDTHHMMSSZ`, case-insensitive). Returns epoch ms, or null when invalid. */
export function parseUntil(value: string): number | null {
  const u = RRULE_UNTIL.exec(value);
  return u ? utcMillis(+u[1], +u[2], +u[3], +u[4], +u[5], +u[6]) : null;
}

/** Formats epoch ms as an UNTIL value, e.g. `20260301T000000Z` (sub-second part is truncated). */
export function formatUntil(ms: number): string {
  return formatTimestamp(ms).replace(/[-:]/g, '');
}
