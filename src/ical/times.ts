/**
 * iCalendar DATE / DATE-TIME values ↔ instants. Wall-clock values are converted with the IANA
 * data the rest of Tandem uses (luxon), not with the file's VTIMEZONE rules, so an imported
 * series expands exactly as a REST-created one; a VTIMEZONE is only used when its TZID names no
 * known zone.
 */
import ICAL from 'ical.js';
import { IANAZone } from 'luxon';
import { instantOf, offsetMs } from '../domain/recurrence-zone.js';

const DAY = 86_400_000;

function zoneOf(tz: string): IANAZone {
  return IANAZone.create(tz);
}

/** Floating wall-clock ms of an ICAL.Time's fields (as if UTC). */
export function wallOf(t: ICAL.Time): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.isDate ? 0 : t.hour, t.isDate ? 0 : t.minute, t.isDate ? 0 : t.second);
}

/** The instant of a wall-clock value in an IANA zone (DST gap: moved forward; overlap: the earlier instant). */
export function instantIn(tz: string, wall: number): number {
  return tz === 'UTC' ? wall : instantOf(zoneOf(tz), wall);
}

/** The wall-clock value (floating ms) of an instant in an IANA zone. */
export function wallIn(tz: string, ms: number): number {
  return tz === 'UTC' ? ms : ms + offsetMs(zoneOf(tz), ms);
}

/** An ICAL.Time with the wall-clock fields of an instant in a zone (floating, no zone attached). */
export function icalTime(ms: number, tz: string, isDate: boolean): ICAL.Time {
  const d = new Date(wallIn(tz, ms));
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    ...(isDate ? { isDate: true } : { hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }),
  });
}

/** A UTC ICAL.Time (printed with Z). */
export function utcTime(ms: number): ICAL.Time {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
  }, ICAL.Timezone.utcTimezone);
}

/** Adds whole local days to a wall-clock value (all-day spans keep local midnights across DST). */
export function addDays(wall: number, days: number): number {
  return wall + days * DAY;
}

/** Whole local days between two instants that are local midnights in tz. */
export function localDays(tz: string, start: number, end: number): number {
  return Math.round((wallIn(tz, end) - wallIn(tz, start)) / DAY);
}
