/**
 * The one timestamp parser and formatter of the API: RFC 3339 with `Z` or a numeric offset, and —
 * where the caller knows the event's time zone — wall-clock time without an offset, read in that zone.
 */
import { instantsOf, zoneOf } from './recurrence-zone.js';

/** Epoch milliseconds as RFC 3339 UTC with `Z`, without milliseconds when they are zero. */
export function iso(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? s.slice(0, -5) + 'Z' : s;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;

/** Epoch ms for validated UTC fields, or null when a field is out of range; Date.UTC alone would map years 0..99 to 19xx. */
export function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
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

export type TimestampRead = { ok: true; ms: number } | { ok: false; reason: 'format' | 'offset' | 'gap' };

/**
 * Reads a timestamp: RFC 3339 with `Z` or an offset (e.g. `2026-03-01T05:00:00+05:00`), or, when
 * `zone` is given, a wall-clock time without an offset read in that zone (`2026-12-07T09:00:00`
 * in Europe/Berlin is 08:00Z). A wall-clock time inside a DST gap fails with `gap`; one that
 * occurs twice (a DST overlap) takes the earlier instant. Fractions below 1 ms are dropped; leap
 * seconds (`:60`), impossible dates and date-only values fail with `format`, a missing offset
 * without a zone with `offset`.
 */
export function readTimestamp(value: unknown, zone?: string | null): TimestampRead {
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!m) return { ok: false, reason: 'format' };
  const base = utcMillis(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
  if (base === null) return { ok: false, reason: 'format' };
  const frac = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  if (m[8]) return { ok: true, ms: base + frac };
  if (m[9]) {
    const oh = +m[10], om = +m[11];
    if (oh > 23 || om > 59) return { ok: false, reason: 'format' };
    return { ok: true, ms: base + frac - (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000 };
  }
  if (!zone) return { ok: false, reason: 'offset' };
  const at = instantsOf(zoneOf(zone), base + frac).earliest;
  return at === null ? { ok: false, reason: 'gap' } : { ok: true, ms: at };
}

/** Parses an RFC 3339 timestamp with an offset or `Z` into epoch ms; null when malformed (see readTimestamp). */
export function parseTimestamp(value: unknown): number | null {
  const r = readTimestamp(value);
  return r.ok ? r.ms : null;
}

/** The message for a failed read, for a field error. */
export function timestampProblem(reason: 'format' | 'offset' | 'gap', zone?: string | null): string {
  if (reason === 'gap') return `does not exist in ${zone} (the clocks skip it for daylight saving)`;
  if (reason === 'offset') return 'must be an RFC 3339 timestamp with an offset (or give timezone to send local time)';
  return 'must be an RFC 3339 timestamp';
}
