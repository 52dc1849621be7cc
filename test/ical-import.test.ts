import { beforeAll, describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { fixture, icalOccurrences, icalVevents, importIcs, nodeIcalVevents } from './helpers/ical.js';

/* Import of the shapes Google, Outlook and Apple write, and the round trip back out. */
const { t, users: [me] } = appForFile({ users: ['ical'] });

async function exportOf(id: number): Promise<string> {
  const res = await t.req({ method: 'GET', url: `/api/events/${id}/ics`, token: me.access });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
  return res.body;
}

async function occurrences(id: number, from: string, to: string): Promise<number[]> {
  const res = await t.req({ method: 'GET', url: `/api/events/${id}/occurrences?start_time=${from}&end_time=${to}`, token: me.access });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((o: { occurrence_start: string }) => Date.parse(o.occurrence_start));
}

describe('Google Calendar export (X-WR-TIMEZONE, UTC times, RRULE with UNTIL, raw-octet folds)', () => {
  let out: any;
  beforeAll(async () => {
    out = await importIcs(t, me, fixture('google'));
  });

  it('creates one event per UID, overrides as exceptions, and reports nothing failed', () => {
    expect(out).toMatchObject({ created: 3, updated: 0, unchanged: 0, failed: [] });
    expect(out.items.map((i: any) => [i.index, i.action])).toEqual([[0, 'created'], [2, 'created'], [3, 'created']]);
  });

  it('reads escaped commas and semicolons, and multibyte text folded mid-character', async () => {
    const series = (await t.req({ method: 'GET', url: `/api/events/${out.items[0].id}`, token: me.access })).json();
    expect(series).toMatchObject({
      uid: '5k2jb0m3v1o8r7q6p5n4m3l2k1@google.com', title: 'Stand-up', timezone: 'Europe/Berlin', all_day: false,
      location: 'Raum 3.14, Gebäude B, Alexanderplatz 1; 10178 Berlin',
    });
    expect(series.description).toContain('status, blockers; next steps.\n\nJoin with Google Meet');
    expect(series.description.endsWith('Übersicht für alle – bitte pünktlich.')).toBe(true);
    expect(series.exceptions).toEqual([
      { original_start: '2026-03-23T08:30:00Z', status: 'changed', start_time: '2026-03-23T10:00:00Z', end_time: '2026-03-23T10:15:00Z', title: 'Stand-up (later today)' },
      { original_start: '2026-04-06T07:30:00Z', status: 'cancelled' },
    ]);
    const cafe = (await t.req({ method: 'GET', url: `/api/events/${out.items[1].id}`, token: me.access })).json();
    expect(cafe.title).toBe('Café avec l\'équipe – 会議');
    expect(cafe.description).toBe('Café mit dem Team – 会議の準備をお願いします。ÄÖÜ äöü ß€ — 日本語のテキストは折り返し行の途中で分割されます。Ende.');
    expect(cafe.timezone).toBe('Europe/Berlin'); // a UTC one-off takes X-WR-TIMEZONE
    const holiday = (await t.req({ method: 'GET', url: `/api/events/${out.items[2].id}`, token: me.access })).json();
    expect(holiday).toMatchObject({ all_day: true, start_time: '2026-04-30T22:00:00Z', end_time: '2026-05-01T22:00:00Z', timezone: 'Europe/Berlin' });
  });

  it('exports the series so ical.js and node-ical both read the same occurrences across the DST change', async () => {
    const text = await exportOf(out.items[0].id);
    const original = fixture('google').toString('utf8');
    const until = Date.parse('2026-05-01T00:00:00Z');
    const expected = icalOccurrences(original, '5k2jb0m3v1o8r7q6p5n4m3l2k1@google.com', until);
    expect(expected).toHaveLength(7); // 8 Mondays, one EXDATE
    expect(icalOccurrences(text, '5k2jb0m3v1o8r7q6p5n4m3l2k1@google.com', until)).toEqual(expected);
    expect(await occurrences(out.items[0].id, '2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z')).toEqual(expected);
    const [master] = nodeIcalVevents(text);
    expect(master.start.getTime()).toBe(Date.parse('2026-03-02T08:30:00Z'));
    expect(master.rrule.all().length).toBe(8);
    expect(Object.values(master.exdate).map((d: any) => d.getTime())).toContain(Date.parse('2026-04-06T07:30:00Z'));
    expect(new Set(Object.values(master.recurrences).map((r: any) => r.start.getTime()))).toEqual(new Set([Date.parse('2026-03-23T10:00:00Z')]));
  });

  it('keeps ATTENDEE, ORGANIZER, VALARM and X- properties through the round trip', async () => {
    const text = await exportOf(out.items[0].id);
    const [master, override] = icalVevents(text);
    expect(master.getAllProperties('attendee').map((p) => p.getFirstValue())).toEqual(['mailto:ana@example.com', 'mailto:bo@example.com']);
    expect(master.getFirstProperty('attendee')!.getParameter('partstat')).toBe('ACCEPTED');
    expect(master.getFirstProperty('organizer')!.getParameter('cn')).toBe('Ana Müller');
    expect(master.getFirstPropertyValue('x-google-conference')).toBe('https://meet.google.com/abc-defg-hij');
    expect(master.getFirstSubcomponent('valarm')!.getFirstPropertyValue('trigger')!.toString()).toBe('-PT10M');
    expect(override.getFirstPropertyValue('summary')).toBe('Stand-up (later today)');
    const n = nodeIcalVevents(text)[0];
    expect(n.organizer.params.CN).toBe('Ana Müller');
    expect(n.attendee).toHaveLength(2);
    expect(n.location).toBe('Raum 3.14, Gebäude B, Alexanderplatz 1; 10178 Berlin');
  });

  it('is idempotent by UID: the same file again changes nothing; an edited one appends a version', async () => {
    const again = await importIcs(t, me, fixture('google'));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: [] });
    expect(again.items.map((i: any) => i.id)).toEqual(out.items.map((i: any) => i.id));
    // Edited byte-wise: the file folds inside multi-byte characters, which decoding would break.
    const edited = Buffer.from(fixture('google').toString('latin1').replace('SUMMARY:Tag der Arbeit', 'SUMMARY:Maifeiertag'), 'latin1');
    const third = await importIcs(t, me, edited);
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const holiday = (await t.req({ method: 'GET', url: `/api/events/${out.items[2].id}`, token: me.access })).json();
    expect(holiday).toMatchObject({ title: 'Maifeiertag', version: 2 });
    const history = (await t.req({ method: 'GET', url: `/api/events/${out.items[2].id}/history`, token: me.access })).json();
    expect(history.items[0].data).toMatchObject({ title: 'Maifeiertag', all_day: true, uid: 'holiday-20260501@google.com' });
  });
});

describe('Outlook export (Windows TZIDs with custom VTIMEZONEs, EXDATE lists, LANGUAGE parameters)', () => {
  let out: any;
  beforeAll(async () => {
    out = await importIcs(t, me, fixture('outlook'), '?timezone=Europe/Berlin');
  });

  it('maps Windows zone names to IANA ones and the EXDATE list to cancelled occurrences', async () => {
    expect(out).toMatchObject({ created: 3, failed: [] });
    const [series, seattle, outing] = await Promise.all(out.items.map(async (i: any) => (await t.req({ method: 'GET', url: `/api/events/${i.id}`, token: me.access })).json()));
    expect(series).toMatchObject({ timezone: 'Europe/Berlin', title: 'Jour fixe', location: 'Konferenzraum A', start_time: '2026-03-05T08:00:00Z' });
    expect(series.exceptions.map((e: any) => [e.original_start, e.status])).toEqual([['2026-04-09T07:00:00Z', 'cancelled'], ['2026-04-16T07:00:00Z', 'cancelled']]);
    expect(seattle).toMatchObject({ timezone: 'America/Los_Angeles', start_time: '2026-03-10T15:00:00Z', description: 'Call with the Seattle office; dial-in: +1 206 555 0100, PIN 4711' });
    expect(outing).toMatchObject({ all_day: true, timezone: 'Europe/Berlin', start_time: '2026-06-11T22:00:00Z', end_time: '2026-06-12T22:00:00Z' });
  });

  it('a series imported from a Windows zone and exported again matches instant for instant (file rules, Tandem, export)', async () => {
    const until = Date.parse('2026-06-01T00:00:00Z');
    const uid = out.items[0].uid;
    const expected = icalOccurrences(fixture('outlook').toString('utf8'), uid, until);
    expect(expected).toHaveLength(11); // 13 Thursdays from 5 March to 28 May, two excluded
    expect(expected).toContain(Date.parse('2026-03-26T08:00:00Z')); // before the change: 09:00 CET
    expect(expected).toContain(Date.parse('2026-04-02T07:00:00Z')); // after: 09:00 CEST
    expect(await occurrences(out.items[0].id, '2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual(expected);
    const text = await exportOf(out.items[0].id);
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260305T090000');
    expect(icalOccurrences(text, uid, until)).toEqual(expected);
    const [n] = nodeIcalVevents(text);
    const exdates = new Set(Object.values(n.exdate).map((d: any) => d.getTime()));
    expect(n.rrule.all().filter((d: Date) => !exdates.has(d.getTime())).map((d: Date) => d.getTime())).toEqual(expected);
  });

  it('keeps the X-MICROSOFT-* properties and the VALARM', async () => {
    const [v] = icalVevents(await exportOf(out.items[0].id));
    expect(v.getFirstPropertyValue('x-microsoft-cdo-busystatus')).toBe('BUSY');
    expect(v.getFirstPropertyValue('priority')).toBe(5);
    expect(v.getFirstSubcomponent('valarm')!.getFirstPropertyValue('action')).toBe('DISPLAY');
  });
});

describe('Apple Calendar export (X-APPLE-* properties, VALARM, all-day multi-day)', () => {
  let out: any;
  beforeAll(async () => {
    out = await importIcs(t, me, fixture('apple'), '?timezone=America/New_York');
  });

  it('reads a three-day all-day event across the DST change as local midnights', async () => {
    expect(out).toMatchObject({ created: 2, failed: [] });
    const conf = (await t.req({ method: 'GET', url: `/api/events/${out.items[0].id}`, token: me.access })).json();
    expect(conf).toMatchObject({
      all_day: true, timezone: 'America/New_York', title: 'Conference, Boston; days 1–3',
      start_time: '2026-10-30T04:00:00Z', end_time: '2026-11-02T05:00:00Z',
    });
    const text = await exportOf(out.items[0].id);
    expect(text).toContain('DTSTART;VALUE=DATE:20261030');
    expect(text).toContain('DTEND;VALUE=DATE:20261102');
    const [n] = nodeIcalVevents(text);
    expect(n.datetype).toBe('date');
    const [v] = icalVevents(text);
    expect(v.getFirstPropertyValue('x-apple-travel-advisory-behavior')).toBe('AUTOMATIC');
    expect(v.getFirstSubcomponent('valarm')!.getFirstPropertyValue('x-apple-default-alarm')).toBe('TRUE');
  });

  it('keeps X-APPLE-STRUCTURED-LOCATION with its parameters, URL, CATEGORIES and COLOR', async () => {
    const text = await exportOf(out.items[1].id);
    const [v] = icalVevents(text);
    const loc = v.getFirstProperty('x-apple-structured-location')!;
    expect(loc.getParameter('x-address')).toBe('415 Boylston St, Boston MA 02116, United States');
    expect(loc.getFirstValue()).toBe('geo:42.351820,-71.072380');
    expect(v.getFirstPropertyValue('url')).toBe('https://example.com/yoga/schedule');
    expect(v.getFirstProperty('categories')!.getValues()).toEqual(['Health', 'Personal']);
    expect(v.getFirstPropertyValue('color')).toBe('mediumseagreen');
    expect(v.getFirstPropertyValue('summary')).toBe('Yoga 🧘 at the studio');
    const [n] = nodeIcalVevents(text);
    expect(n.categories).toEqual(['Health', 'Personal']);
    expect(n.rrule.all().map((d: Date) => d.getTime())).toEqual(icalOccurrences(fixture('apple').toString('utf8'), out.items[1].uid, Infinity));
  });
});

describe('bad input', () => {
  it('reports invalid VEVENTs with index, UID and reason and still writes the valid ones', async () => {
    const body = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN',
      'BEGIN:VEVENT', 'UID:ok-1', 'DTSTART:20270101T100000Z', 'DTEND:20270101T110000Z', 'SUMMARY:fine', 'END:VEVENT',
      'BEGIN:VEVENT', 'SUMMARY:no uid', 'DTSTART:20270101T100000Z', 'DTEND:20270101T110000Z', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:bad-zone', 'DTSTART;TZID=Mars/Olympus:20270101T100000', 'DTEND;TZID=Mars/Olympus:20270101T110000', 'SUMMARY:x', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:backwards', 'DTSTART:20270101T100000Z', 'DTEND:20270101T090000Z', 'SUMMARY:x', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:hourly', 'DTSTART:20270101T100000Z', 'DTEND:20270101T103000Z', 'RRULE:FREQ=HOURLY', 'SUMMARY:x', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    const out = await importIcs(t, me, body);
    expect(out).toMatchObject({ created: 1, items: [{ index: 0, uid: 'ok-1', action: 'created' }] });
    expect(out.failed.map((f: any) => [f.index, f.uid])).toEqual([[1, null], [2, 'bad-zone'], [3, 'backwards'], [4, 'hourly']]);
    expect(out.failed[1].reason).toContain('Mars/Olympus');
    expect(out.failed[2].reason).toContain('end_time');
    expect(out.failed[3].reason).toMatch(/HOURLY/);
  });

  it('refuses what is not iCalendar, the wrong media type, and names the size and count limits', async () => {
    const junk = await t.req({ method: 'POST', url: '/api/events/import', token: me.access, headers: { 'content-type': 'text/calendar' }, payload: 'hello' });
    expect(junk.statusCode).toBe(400);
    expect(junk.json().detail.message).toMatch(/iCalendar/);
    const json = await t.req({ method: 'POST', url: '/api/events/import', token: me.access, payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    const big = await t.req({ method: 'POST', url: '/api/events/import', token: me.access, headers: { 'content-type': 'text/calendar' }, payload: 'X'.repeat(4 * 1_048_576 + 1) });
    expect(big.statusCode).toBe(413);
    expect(big.json().detail).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', max_bytes: 4 * 1_048_576 });
    const many = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN'];
    for (let i = 0; i < 1001; i++) many.push('BEGIN:VEVENT', `UID:m${i}`, 'DTSTART:20270101T100000Z', 'DTEND:20270101T110000Z', 'SUMMARY:m', 'END:VEVENT');
    many.push('END:VCALENDAR', '');
    const tooMany = await t.req({ method: 'POST', url: '/api/events/import', token: me.access, headers: { 'content-type': 'text/calendar' }, payload: many.join('\r\n') });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().detail).toMatchObject({ max_events: 1000, count: 1001 });
    expect(tooMany.json().detail.message).toContain('1000');
  });

  it('reports clashes, and with check_conflicts=true fails the clashing events only', async () => {
    const u = await t.user('clash');
    const mk = (uid: string, h: number) => ['BEGIN:VEVENT', `UID:${uid}`, `DTSTART:20280101T${h}0000Z`, `DTEND:20280101T${h + 1}0000Z`, 'SUMMARY:c', 'END:VEVENT'];
    const cal = (...v: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', ...v.flat(), 'END:VCALENDAR', ''].join('\r\n');
    const first = await importIcs(t, u, cal(mk('a', 10)));
    expect(first.created).toBe(1);
    const reported = await importIcs(t, u, cal(mk('b', 10)));
    expect(reported).toMatchObject({ created: 1, conflicts: [{ index: 0, uid: 'b', event_id: first.items[0].id }] });
    const enforced = await importIcs(t, u, cal(mk('c', 10), mk('d', 12)), '?check_conflicts=true');
    expect(enforced).toMatchObject({ created: 1, items: [{ uid: 'd' }], failed: [{ index: 0, uid: 'c' }] });
    expect(enforced.failed[0].reason).toMatch(/overlaps/);
  });
});
