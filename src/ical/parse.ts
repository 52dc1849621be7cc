/**
 * iCalendar text → Tandem events: every VEVENT grouped by UID (the master plus its RECURRENCE-ID
 * overrides), times resolved to instants and IANA zones, what Tandem does not model kept as text.
 * A VEVENT that cannot be read is reported with its index, UID and reason; the rest still parse.
 */
import ICAL from 'ical.js';
import type { OccurrenceException } from '../domain/recurrence-expand.js';
import { isValidTimeZone } from '../domain/recurrence-zone.js';
import { iso } from '../domain/time.js';
import { extractKept } from './kept.js';
import { addDays, instantIn, utcTime, wallIn, wallOf } from './times.js';
import { NotICalendarError, TooManyEventsError, type ParsedEvent, type ParseError, type ParseOptions } from './types.js';
import { resolveTzid } from './zones.js';

const DAY = 86_400_000;

/**
 * Unfolds lines (CRLF or LF followed by a space or tab) on the raw bytes, before UTF-8 decoding:
 * some writers fold in the middle of a multi-byte character, which decoding first would corrupt.
 */
export function unfoldBytes(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0d && bytes[i + 1] === 0x0a && (bytes[i + 2] === 0x20 || bytes[i + 2] === 0x09)) { i += 2; continue; }
    if (b === 0x0a && (bytes[i + 1] === 0x20 || bytes[i + 1] === 0x09)) { i += 1; continue; }
    out[n++] = b;
  }
  return new TextDecoder('utf-8').decode(out.subarray(0, n)).replace(/^\uFEFF/, '');
}

class Bad extends Error {}

interface Cal {
  zones: Map<string, ICAL.Component>;
  /** Zone for floating times and dates: X-WR-TIMEZONE when valid, else the caller's default. */
  floating: string;
}

type Read = { kind: 'date' | 'utc' | 'zoned' | 'floating'; wall: number; ms: number | null; tz: string | null };

/** One DATE / DATE-TIME value with the TZID of its property. `ms` is null for dates and floating values. */
function readValue(t: ICAL.Time, tzid: string | undefined, cal: Cal, what: string): Read {
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

function readProp(vevent: ICAL.Component, name: string, cal: Cal): Read | null {
  const p = vevent.getFirstProperty(name);
  if (!p) return null;
  const v = p.getFirstValue();
  if (!(v instanceof ICAL.Time)) throw new Bad(`${name.toUpperCase()} is not a date or date-time`);
  return readValue(v, p.getParameter('tzid') as string | undefined, cal, name.toUpperCase());
}

/** Every value of every property of that name (EXDATE, RDATE), PERIOD values by their start. */
function readAll(vevent: ICAL.Component, name: string, cal: Cal): Read[] {
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

interface Frame {
  tz: string;
  allDay: boolean;
  /** Time of day of DTSTART (wall ms since local midnight), for DATE-valued EXDATE/RECURRENCE-ID of a timed series. */
  timeOfDay: number;
}

/** An instant for a value in the event's frame: dates at local midnight (or the series' time of day), floating in its zone. */
function instantOfRead(r: Read, f: Frame): number {
  if (r.ms !== null) return r.ms;
  const wall = r.kind === 'date' && !f.allDay ? r.wall + f.timeOfDay : r.wall;
  return instantIn(f.tz, wall);
}

function text(vevent: ICAL.Component, name: string): string {
  const v = vevent.getFirstPropertyValue(name);
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

/** RRULE with UNTIL as a UTC instant (a DATE or floating UNTIL is read in the event's zone). */
function readRule(vevent: ICAL.Component, f: Frame): string | null {
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

function endOf(vevent: ICAL.Component, start: number, startRead: Read, f: Frame, cal: Cal): number {
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

function sequenceOf(vevent: ICAL.Component): number | null {
  const s = vevent.getFirstPropertyValue('sequence');
  return typeof s === 'number' && Number.isInteger(s) ? s : null;
}

function buildEvent(index: number, uid: string, master: ICAL.Component, overrides: ICAL.Component[], cal: Cal): ParsedEvent {
  const s = readProp(master, 'dtstart', cal);
  if (!s) throw new Bad('DTSTART is missing');
  const recurring = master.getFirstProperty('rrule') !== null || master.getFirstProperty('rdate') !== null;
  const allDay = s.kind === 'date';
  if (s.kind === 'zoned' && s.tz === null && recurring) {
    throw new Bad(`DTSTART's time zone "${master.getFirstProperty('dtstart')!.getParameter('tzid')}" maps to no IANA zone; a series needs one`);
  }
  // UTC times of a one-off keep the calendar's zone for display; a UTC series recurs in UTC (RFC 5545).
  const own = text(master, 'x-tandem-timezone');
  const floating = own && isValidTimeZone(own) ? own : cal.floating;
  const zone = s.kind === 'zoned' ? (s.tz ?? 'UTC') : s.kind === 'utc' ? (recurring ? 'UTC' : floating) : floating;
  const start = s.ms ?? instantIn(zone, s.wall);
  const f: Frame = { tz: zone, allDay, timeOfDay: ((wallIn(zone, start) % DAY) + DAY) % DAY };
  const end = endOf(master, start, s, f, cal);
  const rrule = readRule(master, f);

  const exceptions = new Map<number, OccurrenceException>();
  const title = text(master, 'summary');
  const description = text(master, 'description');
  const location = text(master, 'location');
  for (const o of overrides) {
    const rid = readProp(o, 'recurrence-id', cal)!;
    const original = instantOfRead(rid, f);
    if (text(o, 'status').toUpperCase() === 'CANCELLED') {
      exceptions.set(original, { original_start: iso(original), status: 'cancelled' });
      continue;
    }
    const os = readProp(o, 'dtstart', cal);
    const oStart = os ? instantOfRead(os, f) : original;
    const oEnd = os ? endOf(o, oStart, os, f, cal) : oStart + (end - start);
    const ex: OccurrenceException = { original_start: iso(original), status: 'changed', start_time: iso(oStart), end_time: iso(oEnd) };
    const fields = { title: text(o, 'summary'), description: text(o, 'description'), location: text(o, 'location') };
    if (fields.title && fields.title !== title) ex.title = fields.title;
    if (fields.description !== description) ex.description = fields.description;
    if (fields.location !== location) ex.location = fields.location;
    exceptions.set(original, ex);
  }
  for (const r of readAll(master, 'exdate', cal)) {
    const t = instantOfRead(r, f);
    exceptions.set(t, { original_start: iso(t), status: 'cancelled' });
  }
  const rdates = readAll(master, 'rdate', cal).map((r) => instantOfRead(r, f)).sort((a, b) => a - b);
  return {
    index, uid, title, description, location, start, end, timezone: zone, allDay, rrule, rdates,
    exceptions: [...exceptions.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e),
    sequence: sequenceOf(master),
    kept: extractKept(master),
  };
}

interface RawCalendar {
  /** The VCALENDAR without its VEVENTs (properties, VTIMEZONEs). */
  header: string[];
  /** Each VEVENT's lines, nested VALARMs included. */
  vevents: string[][];
}

/**
 * Cuts unfolded text into calendars and their VEVENT blocks by BEGIN/END lines only, so each block
 * is parsed by ical.js on its own: a big file is parsed in small steps (the caller may yield in
 * between) and one broken VEVENT does not sink the others.
 */
function splitCalendars(text: string): RawCalendar[] {
  const out: RawCalendar[] = [];
  let cal: RawCalendar | null = null;
  let block: string[] | null = null;
  let depth = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const upper = line.trim().toUpperCase();
    if (!cal) {
      if (upper === 'BEGIN:VCALENDAR') cal = { header: [line], vevents: [] };
      continue;
    }
    if (block) {
      block.push(line);
      if (upper.startsWith('BEGIN:')) depth++;
      else if (upper.startsWith('END:') && --depth === 0) { cal.vevents.push(block); block = null; }
      continue;
    }
    if (upper === 'BEGIN:VEVENT') { block = [line]; depth = 1; continue; }
    cal.header.push(line);
    if (upper === 'END:VCALENDAR') { out.push(cal); cal = null; }
  }
  if (!out.length) throw new NotICalendarError('not iCalendar: no complete VCALENDAR');
  return out;
}

function parseComponent(lines: string[]): ICAL.Component {
  return new ICAL.Component(ICAL.parse(lines.join('\r\n')) as never);
}

type Group = { index: number; masters: ICAL.Component[]; overrides: ICAL.Component[] };

/** The parser proper; it yields between VEVENTs so an async caller can give the event loop a turn. */
function* parseSteps(text: string, opts: ParseOptions): Generator<void, { events: ParsedEvent[]; errors: ParseError[] }> {
  const raws = splitCalendars(text);
  const total = raws.reduce((n, c) => n + c.vevents.length, 0);
  if (opts.maxEvents !== undefined && total > opts.maxEvents) throw new TooManyEventsError(total, opts.maxEvents);
  const fallback = opts.defaultZone && isValidTimeZone(opts.defaultZone) ? opts.defaultZone : 'UTC';
  const events: ParsedEvent[] = [];
  const errors: ParseError[] = [];
  let index = 0;
  for (const raw of raws) {
    let c: ICAL.Component;
    try {
      c = parseComponent(raw.header);
    } catch (err) {
      throw new NotICalendarError(`not iCalendar: ${(err as Error).message}`.slice(0, 300));
    }
    const zones = new Map<string, ICAL.Component>();
    for (const z of c.getAllSubcomponents('vtimezone')) {
      const id = z.getFirstPropertyValue('tzid');
      if (typeof id === 'string') zones.set(id, z);
    }
    const wr = c.getFirstPropertyValue('x-wr-timezone');
    const cal: Cal = { zones, floating: (typeof wr === 'string' && resolveTzid(wr)) || fallback };
    const groups = new Map<string, Group>();
    for (const lines of raw.vevents) {
      const i = index++;
      yield;
      let v: ICAL.Component;
      try {
        v = parseComponent(lines);
      } catch (err) {
        errors.push({ index: i, uid: null, reason: `unreadable VEVENT: ${String((err as Error).message).slice(0, 200)}` });
        continue;
      }
      const uid = v.getFirstPropertyValue('uid');
      if (typeof uid !== 'string' || uid.trim() === '') {
        errors.push({ index: i, uid: null, reason: 'UID is missing' });
        continue;
      }
      const g = groups.get(uid) ?? { index: i, masters: [], overrides: [] };
      groups.set(uid, g);
      (v.getFirstProperty('recurrence-id') ? g.overrides : g.masters).push(v);
    }
    for (const [uid, g] of groups) {
      yield;
      try {
        if (!g.masters.length) throw new Bad('only RECURRENCE-ID overrides, no VEVENT for the series itself');
        if (g.masters.length > 1) throw new Bad('more than one VEVENT without RECURRENCE-ID for this UID');
        events.push(buildEvent(g.index, uid, g.masters[0], g.overrides, cal));
      } catch (err) {
        if (err instanceof Bad) errors.push({ index: g.index, uid, reason: err.message });
        else errors.push({ index: g.index, uid, reason: `unreadable VEVENT: ${String((err as Error).message ?? err).slice(0, 200)}` });
      }
    }
  }
  return { events, errors };
}

function textOf(input: string | Uint8Array): string {
  return typeof input === 'string' ? input.replace(/^\uFEFF/, '').replace(/\r?\n[ \t]/g, '') : unfoldBytes(input);
}

/**
 * Parses iCalendar text (or raw bytes, unfolded before UTF-8 decoding). Returns one ParsedEvent
 * per UID (overrides folded in as exceptions, EXDATEs as cancelled ones) and the VEVENTs that
 * could not be read. Throws NotICalendarError for text that is not iCalendar and
 * TooManyEventsError past `maxEvents`. For one resource (CalDAV); big files: parseCalendarAsync.
 */
export function parseCalendar(input: string | Uint8Array, opts: ParseOptions = {}): { events: ParsedEvent[]; errors: ParseError[] } {
  const steps = parseSteps(textOf(input), opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Longest stretch parseCalendarAsync works before it lets other work run. */
const SLICE_MS = 10;

/** parseCalendar in slices of about 10 ms, yielding to the event loop in between (same result). */
export async function parseCalendarAsync(input: string | Uint8Array, opts: ParseOptions = {}): Promise<{ events: ParsedEvent[]; errors: ParseError[] }> {
  const steps = parseSteps(textOf(input), opts);
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}
