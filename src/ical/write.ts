/**
 * Tandem events → iCalendar text, byte-for-byte stable for the same input (DTSTAMP is the last
 * modification, property order is fixed, VTIMEZONEs sorted by name), so an ETag can hash it.
 */
import ICAL from 'ical.js';
import { parseTimestamp } from '../domain/time.js';
import { applyKept } from './kept.js';
import { icalTime, utcTime } from './times.js';
import type { IcalEvent, WriteOptions } from './types.js';
import { vtimezoneFor } from './zones.js';

export const PRODID = '-//Tandem//Tandem Calendar 1.0//EN';

interface Ctx {
  zones: Set<string>;
}

/** DTSTART-like property: UTC with Z, all-day as VALUE=DATE, otherwise wall-clock with TZID. */
function timeProp(name: string, ms: number, ev: IcalEvent, ctx: Ctx): ICAL.Property {
  const p = new ICAL.Property(name);
  if (ev.allDay) {
    p.resetType('date');
    p.setValue(icalTime(ms, ev.timezone, true));
  } else if (ev.timezone === 'UTC' || !vtimezoneFor(ev.timezone)) {
    p.setValue(utcTime(ms));
  } else {
    p.setValue(icalTime(ms, ev.timezone, false));
    p.setParameter('tzid', ev.timezone);
    ctx.zones.add(ev.timezone);
  }
  return p;
}

function multiTimeProp(name: string, values: number[], ev: IcalEvent, ctx: Ctx): ICAL.Property {
  const p = timeProp(name, values[0], ev, ctx);
  const useZone = !ev.allDay && p.getParameter('tzid') !== undefined;
  p.setValues(values.map((v) => (ev.allDay ? icalTime(v, ev.timezone, true) : useZone ? icalTime(v, ev.timezone, false) : utcTime(v))));
  return p;
}

/** RRULE for export: an all-day series states UNTIL as a DATE (RFC 5545 §3.3.10). */
function ruleProp(ev: IcalEvent): ICAL.Property {
  const recur = ICAL.Recur.fromString(ev.rrule!);
  if (ev.allDay && recur.until) {
    const until = Date.UTC(recur.until.year, recur.until.month - 1, recur.until.day, recur.until.hour, recur.until.minute, recur.until.second);
    recur.until = icalTime(until, ev.timezone, true);
  }
  const p = new ICAL.Property('rrule');
  p.setValue(recur);
  return p;
}

function stamp(vevent: ICAL.Component, ev: IcalEvent): void {
  vevent.addPropertyWithValue('uid', ev.uid);
  vevent.addPropertyWithValue('dtstamp', utcTime(ev.lastModified));
}

function texts(vevent: ICAL.Component, title: string, description: string, location: string): void {
  vevent.addPropertyWithValue('summary', title);
  if (description) vevent.addPropertyWithValue('description', description);
  if (location) vevent.addPropertyWithValue('location', location);
}

function trailer(vevent: ICAL.Component, ev: IcalEvent): void {
  vevent.addPropertyWithValue('created', utcTime(ev.created));
  vevent.addPropertyWithValue('last-modified', utcTime(ev.lastModified));
  vevent.addPropertyWithValue('sequence', ev.sequence);
}

/** The VEVENTs of one event: the master, then one per changed occurrence (by original start). */
export function eventToVevents(ev: IcalEvent, ctx: Ctx = { zones: new Set() }): ICAL.Component[] {
  const master = new ICAL.Component('vevent');
  stamp(master, ev);
  master.addProperty(timeProp('dtstart', ev.start, ev, ctx));
  master.addProperty(timeProp('dtend', ev.end, ev, ctx));
  texts(master, ev.title, ev.description, ev.location);
  // Dates carry no zone: this says which local midnights they are, so a round trip keeps the zone.
  if (ev.allDay) master.addPropertyWithValue('x-tandem-timezone', ev.timezone);
  const out = [master];
  if (ev.rrule) {
    master.addProperty(ruleProp(ev));
    if (ev.rdates?.length) master.addProperty(multiTimeProp('rdate', [...ev.rdates].sort((a, b) => a - b), ev, ctx));
    const byStart = [...ev.exceptions].sort((a, b) => Date.parse(a.original_start) - Date.parse(b.original_start));
    for (const ex of byStart) {
      const original = parseTimestamp(ex.original_start);
      if (original === null || ex.status !== 'cancelled') continue;
      master.addProperty(timeProp('exdate', original, ev, ctx));
    }
    for (const ex of byStart) {
      const original = parseTimestamp(ex.original_start);
      if (original === null || ex.status !== 'changed') continue;
      const dur = ev.end - ev.start;
      const start = (ex.start_time ? parseTimestamp(ex.start_time) : null) ?? original;
      const end = (ex.end_time ? parseTimestamp(ex.end_time) : null) ?? start + dur;
      const o = new ICAL.Component('vevent');
      stamp(o, ev);
      o.addProperty(timeProp('recurrence-id', original, ev, ctx));
      o.addProperty(timeProp('dtstart', start, ev, ctx));
      o.addProperty(timeProp('dtend', end, ev, ctx));
      texts(o, ex.title ?? ev.title, ex.description ?? ev.description, ex.location ?? ev.location);
      trailer(o, ev);
      applyKept(o, ev.kept);
      out.push(o);
    }
  }
  trailer(master, ev);
  applyKept(master, ev.kept);
  return out;
}

function header(opts: WriteOptions, zones: Set<string>): ICAL.Component {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  cal.addPropertyWithValue('calscale', 'GREGORIAN');
  if (opts.name !== undefined) cal.addPropertyWithValue('x-wr-calname', opts.name);
  for (const tz of [...zones].sort()) {
    const vtz = vtimezoneFor(tz);
    if (vtz) cal.addSubcomponent(vtz);
  }
  return cal;
}

/** The calendar text around already serialised VEVENTs (what ical.js would print for the whole tree). */
function assemble(opts: WriteOptions, zones: Set<string>, vevents: string[]): string {
  const head = header(opts, zones).toString();
  const end = 'END:VCALENDAR';
  return head.slice(0, head.length - end.length) + vevents.map((v) => v + '\r\n').join('') + end + '\r\n';
}

/**
 * One VCALENDAR (VERSION 2.0, PRODID) holding every event's VEVENTs, in the given order, and a
 * VTIMEZONE for every zone used. Returns CRLF-terminated text.
 */
export function eventToCalendar(events: IcalEvent | IcalEvent[], opts: WriteOptions = {}): string {
  const ctx: Ctx = { zones: new Set() };
  const vevents = (Array.isArray(events) ? events : [events]).flatMap((e) => eventToVevents(e, ctx)).map((v) => v.toString());
  return assemble(opts, ctx.zones, vevents);
}

/** Longest stretch eventToCalendarAsync works before it lets other work run. */
const SLICE_MS = 10;

/** eventToCalendar for many events, yielding to the event loop about every 10 ms (same bytes). */
export async function eventToCalendarAsync(events: IcalEvent[], opts: WriteOptions = {}): Promise<string> {
  const ctx: Ctx = { zones: new Set() };
  const vevents: string[] = [];
  let since = performance.now();
  for (const e of events) {
    for (const v of eventToVevents(e, ctx)) vevents.push(v.toString());
    if (performance.now() - since > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
  return assemble(opts, ctx.zones, vevents);
}
