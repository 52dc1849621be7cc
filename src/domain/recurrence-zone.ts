/**
 * Time-zone names and conversion between instants and "floating" wall-clock values (local
 * date-time fields stored as if UTC) in an IANA time zone.
 */
import { IANAZone } from 'luxon';
import { LRUCache } from 'lru-cache';

const DAY = 86_400_000;

/**
 * Spelling → canonical name (or null for an unknown zone). Bounded: every new spelling a client
 * invents costs one small entry here and nothing in luxon, which only ever sees canonical names.
 */
const canonical = new LRUCache<string, { name: string | null }>({ max: 2000 });

/**
 * The canonical name of a time zone, as the runtime reports it
 * (`Intl.DateTimeFormat(undefined, {timeZone}).resolvedOptions().timeZone`: `america/new_york` →
 * `America/New_York`, `Etc/UTC` → `UTC`), or null when the runtime does not know it. Offsets such
 * as `+05:00` are not zones and give null.
 */
export function canonicalTimeZone(tz: unknown): string | null {
  if (typeof tz !== 'string' || tz === '' || tz.length > 64 || /^[+-]/.test(tz)) return null;
  const hit = canonical.get(tz);
  if (hit) return hit.name;
  let name: string | null;
  try {
    name = new Intl.DateTimeFormat(undefined, { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    name = null;
  }
  canonical.set(tz, { name });
  return name;
}

/** Whether tz is an IANA time-zone name known to this runtime (any case, e.g. `Europe/London`, `utc`). Returns false for offsets like `+05:00`. */
export function isValidTimeZone(tz: string): boolean {
  return canonicalTimeZone(tz) !== null;
}

/** The luxon zone for a name (canonicalised first, so luxon's own caches stay bounded). */
export function zoneOf(tz: string): IANAZone {
  const name = canonicalTimeZone(tz);
  if (name === null) throw new RangeError(`invalid time zone "${tz}"`);
  return IANAZone.create(name);
}

function exactOffset(zone: IANAZone, ts: number): number { return Math.round(zone.offset(ts) * 60_000); }

/**
 * Offsets at UTC midnights, per zone: asking the runtime for an offset (Intl formatToParts) costs
 * microseconds and an expansion asks about three times per occurrence, so most of a series' cost
 * was here. When a zone's offsets at two consecutive midnights agree, the day between them holds
 * no transition (no zone changes its offset twice in one day and back), so every instant of that
 * day gets the cached value; a day with a transition is answered exactly. Bounded: the table is
 * dropped whenever it passes MAX_MIDNIGHTS entries.
 */
const midnights = new Map<string, Map<number, number>>();
const MAX_MIDNIGHTS = 200_000;
let midnightCount = 0;
/** Zones without transitions: one offset for all time. */
const FIXED = /^(UTC|Etc\/.+)$/;

function midnightOffset(zone: IANAZone, table: Map<number, number>, day: number): number {
  let off = table.get(day);
  if (off === undefined) {
    if (++midnightCount > MAX_MIDNIGHTS) {
      for (const t of midnights.values()) t.clear();
      midnightCount = 1;
    }
    off = exactOffset(zone, day * DAY);
    table.set(day, off);
  }
  return off;
}

/** The zone's UTC offset at instant ts, in whole milliseconds (wall-clock = ts + offset). */
export function offsetMs(zone: IANAZone, ts: number): number {
  if (!Number.isFinite(ts)) return exactOffset(zone, ts);
  let table = midnights.get(zone.name);
  if (!table) midnights.set(zone.name, (table = new Map()));
  if (FIXED.test(zone.name)) return midnightOffset(zone, table, 0);
  const day = Math.floor(ts / DAY);
  const a = midnightOffset(zone, table, day);
  return a === midnightOffset(zone, table, day + 1) ? a : exactOffset(zone, ts);
}

/**
 * Maps a wall-clock value to an instant. Ambiguous times (fall-back) take the earlier instant;
 * non-existent ones (spring-forward gap) are read with the pre-transition offset, which moves them
 * forward by the gap. luxon's own resolution of ambiguous times is not consistent across zones.
 */
export function instantOf(zone: IANAZone, wall: number): number {
  return instantsOf(zone, wall).earliest ?? wall - offsetMs(zone, wall - DAY);
}

/** The instants showing wall-clock value `wall` in the zone: none (a DST gap), one, or two (an overlap; the earlier first). */
export function instantsOf(zone: IANAZone, wall: number): { earliest: number | null } {
  const before = offsetMs(zone, wall - DAY), after = offsetMs(zone, wall + DAY);
  let best: number | null = null;
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off;
    if (offsetMs(zone, t) === off && (best === null || t < best)) best = t;
  }
  return { earliest: best };
}
