import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { describe, expect, it } from 'vitest';
import { eventToCalendar, eventToCalendarAsync, parseCalendar, parseCalendarAsync, resolveTzid, type IcalEvent } from './index.js';

const base: IcalEvent = {
  uid: 'u1@tandem', title: 'Stand-up, daily; short', description: 'Line 1\nLine 2 — ünïcödé', location: 'Room 1',
  start: Date.parse('2026-03-23T09:00:00+01:00'), end: Date.parse('2026-03-23T09:30:00+01:00'), timezone: 'Europe/Berlin', allDay: false,
  rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4',
  exceptions: [
    { original_start: '2026-03-30T07:00:00Z', status: 'cancelled' },
    { original_start: '2026-04-06T07:00:00Z', status: 'changed', start_time: '2026-04-06T08:00:00Z', end_time: '2026-04-06T08:30:00Z', title: 'Moved' },
  ],
  created: Date.parse('2026-01-01T00:00:00Z'), lastModified: Date.parse('2026-01-02T00:00:00Z'), sequence: 2,
  kept: 'BEGIN:VEVENT\r\nCATEGORIES:Work,Team\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nDESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\n',
};

describe('eventToCalendar', () => {
  it('writes a stable calendar that ical.js and node-ical read back to the same instants', () => {
    const text = eventToCalendar(base);
    expect(eventToCalendar(base)).toBe(text);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260323T090000');
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20260330T090000');
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260406T090000');
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin');
    const parsed = nodeIcal.sync.parseICS(text);
    const vevents = Object.values(parsed).filter((c: any) => c.type === 'VEVENT') as any[];
    expect(vevents).toHaveLength(1);
    expect(vevents[0].start.getTime()).toBe(base.start);
    expect(vevents[0].summary).toBe(base.title);
    const rids = new Set(Object.values(vevents[0].recurrences ?? {}).map((r: any) => r.recurrenceid.getTime()));
    expect([...rids]).toEqual([Date.parse('2026-04-06T07:00:00Z')]);
    expect(Object.keys(vevents[0].exdate ?? {}).length).toBeGreaterThan(0);
    const back = parseCalendar(text);
    expect(back.errors).toEqual([]);
    const ev = back.events[0];
    expect({ ...ev, index: undefined, sequence: undefined, rdates: undefined }).toMatchObject({
      uid: base.uid, title: base.title, description: base.description, location: base.location, start: base.start, end: base.end,
      timezone: base.timezone, allDay: false, exceptions: base.exceptions,
    });
    expect(ICAL.Recur.fromString(ev.rrule!).toString()).toBe(ICAL.Recur.fromString(base.rrule!).toString());
    expect(ev.kept).toBe(base.kept);
  });

  it('writes all-day events as VALUE=DATE with UNTIL as a date', () => {
    const start = Date.parse('2026-03-28T00:00:00+01:00');
    const end = Date.parse('2026-03-30T00:00:00+02:00'); // two local days across the DST change
    const text = eventToCalendar({ ...base, allDay: true, start, end, rrule: 'FREQ=YEARLY;UNTIL=20300327T230000Z', exceptions: [], kept: '' });
    expect(text).toContain('DTSTART;VALUE=DATE:20260328');
    expect(text).toContain('DTEND;VALUE=DATE:20260330');
    expect(text).toContain('UNTIL=20300328');
    const ev = parseCalendar(text).events[0];
    expect(ev.allDay).toBe(true);
    expect([ev.start, ev.end]).toEqual([start, end]);
    const cal = new ICAL.Component(ICAL.parse(text));
    expect(cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('dtstart')!.toString()).toBe('2026-03-28');
  });
});

describe('resolveTzid', () => {
  it('maps IANA, Windows and Mozilla-style names', () => {
    expect(resolveTzid('Europe/Paris')).toBe('Europe/Paris');
    expect(resolveTzid('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(resolveTzid('Eastern Standard Time')).toBe('America/New_York');
    expect(resolveTzid('/mozilla.org/20050126_1/America/Chicago')).toBe('America/Chicago');
    expect(resolveTzid('Nowhere/Special')).toBeNull();
  });
});

describe('async forms', () => {
  it('write the same bytes as ical.js prints for the whole tree, and parse to the same result', async () => {
    const events = [base, { ...base, uid: 'u2', timezone: 'America/New_York', rrule: null, exceptions: [] }];
    const text = eventToCalendar(events, { name: 'Mine' });
    expect(await eventToCalendarAsync(events, { name: 'Mine' })).toBe(text);
    expect(new ICAL.Component(ICAL.parse(text)).toString() + '\r\n').toBe(text);
    expect(await parseCalendarAsync(text)).toEqual(parseCalendar(text));
    expect(parseCalendar(text).events.map((e) => e.uid)).toEqual(['u1@tandem', 'u2']);
  });

  it('reports a broken VEVENT without losing the others', () => {
    const text = eventToCalendar(base).replace('END:VCALENDAR', 'BEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR');
    const r = parseCalendar(text);
    expect(r.events.map((e) => e.uid)).toEqual(['u1@tandem']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].index).toBe(2);
  });
});
