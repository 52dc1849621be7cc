/**
 * Text forms of instants in recurrence data: RFC 3339 in the API (`until`, exception times) and the
 * RFC 5545 UTC date-time of an RRULE's UNTIL part (`20260301T000000Z`).
 */

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

/** Parses an UNTIL value, which must be UTC (`YYYYMMDDTHHMMSSZ`, case-insensitive). Returns epoch ms, or null when invalid. */
export function parseUntil(value: string): number | null {
  const u = RRULE_UNTIL.exec(value);
  return u ? utcMillis(+u[1], +u[2], +u[3], +u[4], +u[5], +u[6]) : null;
}

/** Formats epoch ms as an UNTIL value, e.g. `20260301T000000Z` (sub-second part is truncated). */
export function formatUntil(ms: number): string {
  return formatTimestamp(ms).replace(/[-:]/g, '');
}
