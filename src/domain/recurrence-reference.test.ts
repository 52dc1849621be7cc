import { DateTime } from 'luxon';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  expandOccurrences, isOriginalOccurrence, occurrenceIndex, seriesEnd, splitSeries, isValidTimeZone,
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
  let walls = new RRule({ ...opts, dtstart, count, until: new Date(Date.UTC(limitYear, 0, 1)) }).all().filter((d) => d > dtstart);
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
      const parsed = parsePattern({ rrule: `FREQ=${e.freq};INTERVAL=${e.interval}${e.byday ? `;BYDAY=${e.byday.join(',')}` : ''}${e.bymonthday ? `;BYMONTHDAY=${e.bymonthday.join(',')}` : ''}${e.end}` });
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
      if (want.length > 0) {
        expect(isOriginalOccurrence(ev, want[want.length - 1])).toBe(true);
        expect(isOriginalOccurrence(ev, want[want.length - 1] + 60_000)).toBe(false);
      }
      const end = seriesEnd(ev);
      if (!e.end) expect(end).toBeNull();
      // A sparse COUNT series may run past the reference's limit; only compare complete ones.
      else if (e.end.startsWith(';UNTIL') || ref.length === Number(e.end.slice(7))) expect(end).toBe(ref.at(ref.length - 1) + 90 * 60_000);
    }), { numRuns: 100 });
  }, 120_000);
});
