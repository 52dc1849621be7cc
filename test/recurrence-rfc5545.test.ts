import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent } from './helpers/events.js';

/*
 * Every daily-or-coarser example of RFC 5545 §3.8.5.3 through the REST API: create the event with
 * its DTSTART (local time in America/New_York, as the RFC writes it), RRULE and EXDATE, then list
 * its occurrences and compare with the instances the RFC lists. The expected instants come from the
 * RFC's own text (day lists and the EDT/EST label), not from a time library.
 */
interface Example { title: string; dtstart: string; rrule: string; exdate?: string[]; complete: boolean; instances: string[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/rfc5545-recurrence-examples.json', import.meta.url), 'utf8')) as { timezone: string; examples: Example[] };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const HOUR = 3_600_000, DAY = 24 * HOUR;

/** `19970902T090000` → `1997-09-02T09:00:00` (local time, no offset). */
const local = (v: string) => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}`;

/** Days of one RFC list such as `2,4,6,8...24,26` or `1-31` or `1,3,...`. */
function days(list: string): number[] {
  const out: number[] = [];
  for (const raw of list.split(',').map((x) => x.trim())) {
    if (raw === '' || raw === '...') continue;
    const range = /^(\d+)-(\d+)$/.exec(raw), cont = /^(\d+)\.\.\.(\d+)$/.exec(raw), tail = /^(\d+)\.\.\.$/.exec(raw);
    if (range) for (let d = +range[1]; d <= +range[2]; d++) out.push(d);
    else if (cont) {
      const step = +cont[1] - out[out.length - 1];
      for (let d = +cont[1]; d <= +cont[2]; d += step) out.push(d);
    } else if (tail) out.push(+tail[1]);
    else if (/^\d+$/.test(raw)) out.push(+raw);
    else throw new Error(`cannot read "${raw}"`);
  }
  return out;
}

/** The UTC instants an RFC instance line lists, e.g. `(1997 9:00 AM EDT) September 2-30;October 1-25`. */
function instants(line: string, dtstart: string): number[] {
  const m = /^\((\d{4})(?: (\d{1,2}):(\d{2}) AM)? (EDT|EST)\) (.*)$/.exec(line);
  if (!m) throw new Error(`cannot read "${line}"`);
  const hour = m[2] ? +m[2] : +dtstart.slice(9, 11), minute = m[3] ? +m[3] : +dtstart.slice(11, 13);
  const offset = m[4] === 'EDT' ? 4 : 5;
  const out: number[] = [];
  for (const part of m[5].split(';').map((x) => x.trim()).filter(Boolean)) {
    const pm = /^([A-Za-z]+) (.*)$/.exec(part);
    if (!pm || !MONTHS.includes(pm[1])) throw new Error(`cannot read "${part}"`);
    for (const d of days(pm[2])) out.push(Date.UTC(+m[1], MONTHS.indexOf(pm[1]), d, hour + offset, minute));
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const { t, users: [u] } = appForFile({ users: ['rfc'] });

/** Occurrence starts in [from, to), asked in windows of at most 366 days as the API requires. */
async function occurrenceStarts(id: number, from: number, to: number): Promise<string[]> {
  const out: string[] = [];
  for (let a = from; a < to; a += 366 * DAY) {
    const b = Math.min(to, a + 366 * DAY);
    const res = await t.req({ method: 'GET', url: `/api/events/${id}/occurrences?start_time=${iso(a)}&end_time=${iso(b)}`, token: u.access });
    expect(res.statusCode, res.body).toBe(200);
    for (const o of res.json().items) if (Date.parse(o.occurrence_start) >= a) out.push(o.occurrence_start);
  }
  return out;
}

describe('RFC 5545 §3.8.5.3 examples through the API', () => {
  it('has every daily-or-coarser example', () => {
    expect(fixture.examples).toHaveLength(37);
  });

  it.each(fixture.examples.map((e) => [e.title, e] as const))('%s', async (_title, ex) => {
    const start = local(ex.dtstart);
    const event = await createEvent(t, u, {
      title: ex.title.slice(0, 200), start_time: start, end_time: start.replace(/T(\d\d)/, (_, h) => `T${String(+h + 1).padStart(2, '0')}`),
      timezone: 'america/new_york', recurrence_pattern: { rrule: ex.rrule, ...(ex.exdate ? { exdate: ex.exdate.map(local) } : {}) },
    }, '?check_conflicts=false');
    expect(event.timezone).toBe(fixture.timezone);
    const want = ex.instances.flatMap((line) => instants(line, ex.dtstart)).map(iso);
    const first = Date.parse(event.start_time);
    // A complete list is checked a year past its end (nothing more may come); a forever rule up to its last listed instance.
    const last = Date.parse(want[want.length - 1]);
    const got = await occurrenceStarts(event.id, first - DAY, ex.complete ? last + 366 * DAY : last + 60_000);
    expect(got).toEqual(want);
    if (ex.exdate) expect(event.recurrence_pattern.exdate).toEqual(ex.exdate.map((v) => iso(Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8), +v.slice(9, 11) + 4))));
  });
});
