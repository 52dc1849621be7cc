/**
 * Conversion between instants and "floating" wall-clock values (local date-time fields stored as if
 * UTC) in an IANA time zone.
 */
import { IANAZone } from 'luxon';

const DAY = 86_400_000;

/** Whether tz is an IANA time-zone name known to this runtime (e.g. `Europe/London`, `UTC`). Returns false for offsets like `+05:00`. */
export function isValidTimeZone(tz: string): boolean {
  return typeof tz === 'string' && IANAZone.isValidZone(tz);
}

/** The zone's UTC offset at instant ts, in whole milliseconds (wall-clock = ts + offset). */
export function offsetMs(zone: IANAZone, ts: number): number { return Math.round(zone.offset(ts) * 60_000); }

/**
 * Maps a wall-clock value to an instant. Ambiguous times (fall-back) take the earlier instant;
 * non-existent ones (spring-forward gap) are read with the pre-transition offset, which moves them
 * forward by the gap. luxon's own resolution of ambiguous times is not consistent across zones.
 */
export function instantOf(zone: IANAZone, wall: number): number {
  const before = offsetMs(zone, wall - DAY), after = offsetMs(zone, wall + DAY);
  let best: number | null = null;
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off;
    if (offsetMs(zone, t) === off && (best === null || t < best)) best = t;
  }
  return best ?? wall - before;
}
