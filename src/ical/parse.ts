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
import { instantIn, wallIn } from './times.js';
import { NotICalendarError, TooManyEventsError, type ParsedEvent, type ParseError, type ParseOptions } from './types.js';
import { resolveTzid } from './zones.js';
import { Bad, endOf, instantOfRead, readAll, readProp, readRule, sequenceOf, text, type Cal, type Frame } from './read-values.js';

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
