import { DateTime } from 'luxon';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  expandOccurrences, hasOccurrenceBetween, isOriginalOccurrence, occurrenceIndex, seriesEnd, splitSeries, isValidTimeZone,
  type OccurrenceException, type SeriesInput,
} from './recurrence-expand.js';
import { parsePattern, WEEKDAYS } from './recurrence-pattern.js';

import { RRule, t, HOUR, DAY, series } from '../../test/helpers/recurrence.js';

function luxonInstant(d: Date, zone: string): number {
  const fields = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  const ms = DateTime.fromObject(fields, { zone }).toMillis();
  const earlier = DateTime.fromMillis(ms - HOUR, { zone });
  return earlier.hour === fields.hour && earlier.minute === fields.minute && earlier.day === fields.day ? ms - HOUR : ms;
}

/**
 * Independent reference: plain rrule from the original start (no shifting or rewrites), the start
 * always first, COUNT by position, UNTIL by instant. Returns a lazy instant lookup so only the
 * occurrences a check needs are converted.
 */
function reference(ev: SeriesInput, limitYear: number): { length: number; at: (i: number) => number; wall: (i: number) => number } {
  const w = DateTime.fromMillis(ev.start, { zone: ev.timezone });
  const dtstart = new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
  const opts = RRule.parseString(ev.rrule!);
  const until = opts.until ? opts.until.getTime() : null;
  const count = opts.count ?? null;
  delete opts.until; delete opts.count;
  // rrule's own COUNT only bounds the scan here (it counts matches, not the start), hence the slice below.
  // rrule.js repeats a date that two BYSETPOS values pick (and counts it twice): drop repeats, scan 2×COUNT.
  let walls = new RRule({ ...opts, dtstart, count: count === null ? null : 2 * count, until: new Date(Date.UTC(limitYear, 0, 1)) }).all()
    .filter((d, i, all) => d > dtstart && (i === 0 || d.getTime() !== all[i - 1].getTime()));
  if (count !== null) walls = walls.slice(0, count - 1);
  const at = (i: number) => (i === 0 ? ev.start : luxonInstant(walls[i - 1], ev.timezone));
  let length = walls.length + 1;
  if (until !== null) {
    // Wall-clock and instant differ by < 1 day, so only walls near UNTIL need converting.
    length = walls.filter((d) => d.getTime() < until + DAY).length + 1;
    while (length > 1 && at(length - 1) > until) length--;
  }
  return { length, at, wall: (i) => (i === 0 ? dtstart.getTime() : walls[i - 1].getTime()) };
}

/** Compares expansion, lookup and series end with the reference for one event, window and end part. */
function agrees(rrule: string, e: { start: number; zone: string; window: [number, number]; end: string }) {
  const parsed = parsePattern({ rrule });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const ev: SeriesInput = { start: e.start, end: e.start + 90 * 60_000, timezone: e.zone, rrule: parsed.rrule, exceptions: [] };
  const ws = t('2024-01-01T00:00:00Z') + e.window[0] * DAY, we = ws + e.window[1] * DAY;
  const ref = reference(ev, e.end ? 2034 : new Date(we).getUTCFullYear() + 1);
  const want: number[] = [];
  for (let i = 0; i < ref.length; i++) {
    if (ref.wall(i) < ws - 2 * DAY) continue; // long before the window: skip the conversion
    const s = ref.at(i);
    if (s >= we) break;
    if (s + 90 * 60_000 > ws) want.push(s);
  }
  expect(expandOccurrences(ev, ws, we).map((o) => o.start)).toEqual(want);
  expect(hasOccurrenceBetween(ev, ws, we)).toBe(want.length > 0);
  if (want.length > 0) {
    expect(isOriginalOccurrence(ev, want[want.length - 1])).toBe(true);
    expect(isOriginalOccurrence(ev, want[want.length - 1] + 60_000)).toBe(false);
  }
  const end = seriesEnd(ev);
  if (!e.end) expect(end).toBeNull();
  // A sparse COUNT series may run past the reference's limit; only compare complete ones.
  else if (e.end.startsWith(';UNTIL') || ref.length === Number(e.end.slice(7))) expect(end).toBe(ref.at(ref.length - 1) + 90 * 60_000);
}

describe('agrees with a straightforward rrule expansion', () => {
  const arbEvent = fc.record({
    freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
    interval: fc.constantFrom(1, 1, 2, 3, 7, 14),
    byday: fc.option(fc.subarray([...WEEKDAYS], { minLength: 1 })),
    bymonthday: fc.option(fc.subarray([1, 5, 15, 28, 29, 30, 31, -1, -2], { minLength: 1, maxLength: 3 })),
    end: fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 60 }).map((n) => `;COUNT=${n}`),
      fc.date({ min: new Date('2026-01-01'), max: new Date('2033-01-01'), noInvalidDate: true })
        .map((d) => `;UNTIL=${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`)),
    start: fc.integer({ min: t('2024-01-01T00:00:00Z') / 60_000, max: t('2030-01-01T00:00:00Z') / 60_000 }).map((m) => m * 60_000),
    zone: fc.constantFrom('UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata'),
    window: fc.tuple(fc.integer({ min: 0, max: 9 * 365 }), fc.integer({ min: 1, max: 120 })),
  }).filter((e) => !(e.freq === 'WEEKLY' && e.bymonthday));

  it('for random rules, zones and windows', () => {
    fc.assert(fc.property(arbEvent, (e) => {
      agrees(`FREQ=${e.freq};INTERVAL=${e.interval}${e.byday ? `;BYDAY=${e.byday.join(',')}` : ''}${e.bymonthday ? `;BYMONTHDAY=${e.bymonthday.join(',')}` : ''}${e.end}`, e);
    }), { numRuns: 100 });
  }, 120_000);

  // The parts RFC 5545 adds beyond the basic ones: the walk moves dtstart by whole periods, which must
  // keep BYSETPOS sets, ordinal weekdays, week numbers and WKST-aligned weeks as rrule computes them.
  const pick = <T>(xs: T[]) => fc.option(fc.subarray(xs, { minLength: 1, maxLength: 3 }), { freq: 2 });
  const arbFull = fc.record({
    freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
    interval: fc.constantFrom(1, 1, 2, 3),
    byday: pick(['MO', 'TU', 'FR', 'SU']),
    ordinals: pick(['1MO', '-1FR', '2TU', '3WE', '-2SU']),
    bymonthday: pick([1, 13, 15, 29, 31, -1]),
    bymonth: pick([1, 2, 3, 6, 11, 12]),
    byyearday: pick([1, 60, 100, 200, -1]),
    byweekno: pick([1, 20, 52, -1]),
    bysetpos: pick([1, 2, -1]),
    wkst: fc.constantFrom('', ';WKST=SU', ';WKST=WE'),
    // At most two filter groups: more make most rules empty, which rrule scans slowly on both sides.
    groups: fc.subarray(['byday', 'ordinals', 'bymonthday', 'bymonth', 'byyearday', 'byweekno'], { minLength: 1, maxLength: 2 }),
    end: fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 40 }).map((n) => `;COUNT=${n}`),
      fc.date({ min: new Date('2026-01-01'), max: new Date('2033-01-01'), noInvalidDate: true })
        .map((d) => `;UNTIL=${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`)),
    start: fc.integer({ min: t('2024-01-01T00:00:00Z') / 60_000, max: t('2030-01-01T00:00:00Z') / 60_000 }).map((m) => m * 60_000),
    zone: fc.constantFrom('UTC', 'America/New_York', 'Australia/Sydney'),
    window: fc.tuple(fc.integer({ min: 0, max: 9 * 365 }), fc.integer({ min: 1, max: 120 })),
  });

  it('for random rules with BYSETPOS, ordinal BYDAY, BYMONTH, BYYEARDAY, BYWEEKNO and WKST', () => {
    let checked = 0;
    fc.assert(fc.property(arbFull, (e) => {
      const yearly = e.freq === 'YEARLY', coarse = yearly || e.freq === 'MONTHLY';
      const on = (g: string) => e.groups.includes(g);
      e = { ...e, byday: on('byday') ? e.byday : null, ordinals: on('ordinals') ? e.ordinals : null, bymonthday: on('bymonthday') ? e.bymonthday : null,
        bymonth: on('bymonth') ? e.bymonth : null, byyearday: on('byyearday') ? e.byyearday : null, byweekno: on('byweekno') ? e.byweekno : null };
      const days = [...(e.byday ?? []), ...(coarse && !e.byweekno ? e.ordinals ?? [] : [])];
      const parts = [`FREQ=${e.freq}`, `INTERVAL=${e.interval}`];
      if (days.length) parts.push(`BYDAY=${days.join(',')}`);
      if (e.bymonthday && e.freq !== 'WEEKLY') parts.push(`BYMONTHDAY=${e.bymonthday.join(',')}`);
      if (e.bymonth) parts.push(`BYMONTH=${e.bymonth.join(',')}`);
      if (yearly && e.byyearday) parts.push(`BYYEARDAY=${e.byyearday.join(',')}`);
      if (yearly && e.byweekno && !e.ordinals?.length) parts.push(`BYWEEKNO=${e.byweekno.join(',')}`);
      if (e.bysetpos && parts.length > 2) parts.push(`BYSETPOS=${e.bysetpos.join(',')}`);
      const rule = parts.join(';') + e.wkst + e.end;
      fc.pre(parsePattern({ rrule: rule }).ok);
      checked++;
      agrees(rule, e);
    }), { numRuns: 60 });
    expect(checked).toBeGreaterThan(30);
  }, 120_000);
});
