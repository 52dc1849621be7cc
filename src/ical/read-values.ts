/**
 * Reading one VEVENT's values: DATE / DATE-TIME values with their TZIDs, RRULE, DTEND or DURATION,
 * SEQUENCE, resolved to instants in the event's frame (its zone, or the calendar's floating zone).
 */
import ICAL from 'ical.js';
import { addDays, instantIn, utcTime, wallOf } from './times.js';
import { resolveTzid } from './zones.js';

const DAY = 86_400_000;

export class Bad extends Error {}

export interface Cal {
  zones: Map<string, ICAL.Component>;
  /** Zone for floating times and dates: X-WR-TIMEZONE when valid, else the caller's default. */
  floating: string;
}

export type Read = { kind: 'date' | 'utc' | 'zoned' | 'floating'; wall: number; ms: number | null; tz: string | null };

/** One DATE / DATE-TIME value with the TZID of its property. `ms` is null for dates and floating values. */
export function readValue(t: ICAL.Time, tzid: string | undefined, cal: Cal, what: string): Read {
  const wall = wallOf(t);
  if (t.isDate) return { kind: 'date', wall, ms: null, tz: null };
  if (t.zone === ICAL.Timezone.utcTimezone) return { kind: 'utc', wall, ms: wall, tz: 'UTC' };
  if (tzid === undefined) return { kind: 'floating', wall, ms: null, tz: null };
  const tz = resolveTzid(tzid, cal.zones);
  if (tz) return { kind: 'zoned', wall, ms: instantIn(tz, wall), tz };
  // An unknown name with its own VTIMEZONE: ical.js computes the instant from that definition.
  const vtz = cal.zones.get(tzid);
  if (vtz) {
    const zone = new ICAL.Timezone(vtz);
    const local = ICAL.Time.fromData({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second }, zone);
    return { kind: 'zoned', wall, ms: local.toUnixTime() * 1000, tz: null };
  }
  throw new Bad(`${what} names the unknown time zone "${tzid}" and the file has no VTIMEZONE for it`);
}

export function readProp(vevent: ICAL.Component, name: string, cal: Cal): Read | null {
  const p = vevent.getFirstProperty(name);
  if (!p) return null;
  const v = p.getFirstValue();
  if (!(v instanceof ICAL.Time)) throw new Bad(`${name.toUpperCase()} is not a date or date-time`);
  return readValue(v, p.getParameter('tzid') as string | undefined, cal, name.toUpperCase());
}

/** Every value of every property of that name (EXDATE, RDATE), PERIOD values by their start. */
export function readAll(vevent: ICAL.Component, name: string, cal: Cal): Read[] {
  const out: Read[] = [];
  for (const p of vevent.getAllProperties(name)) {
    const tzid = p.getParameter('tzid') as string | undefined;
    for (const v of p.getValues()) {
      const t = v instanceof ICAL.Period ? v.start : v;
      if (!(t instanceof ICAL.Time)) throw new Bad(`${name.toUpperCase()} holds a value that is not a date or date-time`);
      out.push(readValue(t, tzid, cal, name.toUpperCase()));
    }
  }
  return out;
}

export interface Frame {
  tz: string;
  allDay: boolean;
  /** Time of day of DTSTART (wall ms since local midnight), for DATE-valued EXDATE/RECURRENCE-ID of a timed series. */
  timeOfDay: number;
}

/** An instant for a value in the event's frame: dates at local midnight (or the series' time of day), floating in its zone. */
export function instantOfRead(r: Read, f: Frame): number {
  if (r.ms !== null) return r.ms;
  const wall = r.kind === 'date' && !f.allDay ? r.wall + f.timeOfDay : r.wall;
  return instantIn(f.tz, wall);
}

export function text(vevent: ICAL.Component, name: string): string {
  const v = vevent.getFirstPropertyValue(name);
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

/** RRULE with UNTIL as a UTC instant (a DATE or floating UNTIL is read in the event's zone). */
export function readRule(vevent: ICAL.Component, f: Frame): string | null {
  const props = vevent.getAllProperties('rrule');
  if (!props.length) return null;
  if (props.length > 1) throw new Bad('more than one RRULE');
  const recur = props[0].getFirstValue();
  if (!(recur instanceof ICAL.Recur)) throw new Bad('RRULE is malformed');
  if (recur.until) {
    const u = recur.until;
    let ms: number;
    if (u.zone === ICAL.Timezone.utcTimezone) ms = wallOf(u);
    else if (u.isDate) ms = instantIn(f.tz, f.allDay ? wallOf(u) : wallOf(u) + DAY - 1000);
    else ms = instantIn(f.tz, wallOf(u));
    recur.until = utcTime(ms);
  }
  return recur.toString();
}

export function endOf(vevent: ICAL.Component, start: number, startRead: Read, f: Frame, cal: Cal): number {
  const dtend = readProp(vevent, 'dtend', cal);
  if (dtend) {
    if ((dtend.kind === 'date') !== f.allDay) throw new Bad('DTSTART and DTEND must both be dates or both date-times');
    return instantOfRead(dtend, f);
  }
  const dur = vevent.getFirstPropertyValue('duration');
  if (dur instanceof ICAL.Duration) {
    if (f.allDay) return instantIn(f.tz, addDays(startRead.wall, Math.round(dur.toSeconds() / 86_400)));
    return start + dur.toSeconds() * 1000;
  }
  // RFC 5545 §3.6.1: a DATE start without DTEND lasts one day; a DATE-TIME one ends where it starts.
  if (f.allDay) return instantIn(f.tz, addDays(startRead.wall, 1));
  return start;
}

export function sequenceOf(vevent: ICAL.Component): number | null {
  const s = vevent.getFirstPropertyValue('sequence');
  return typeof s === 'number' && Number.isInteger(s) ? s : null;
}
