import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  expandOccurrences, isOriginalOccurrence, occurrenceIndex, seriesEnd, splitSeries, isValidTimeZone,
  type OccurrenceException, type SeriesInput,
} from './recurrence-expand.js';
import { parsePattern, WEEKDAYS } from './recurrence-pattern.js';

import { t, iso, HOUR, series, starts, local } from '../../test/helpers/recurrence.js';

describe('seriesEnd', () => {
  const daily = (rule: string, exceptions: OccurrenceException[] = []) => seriesEnd(series('2026-01-01T09:00:00Z', rule, { exceptions }));

  it('handles COUNT, UNTIL, infinite and non-recurring series', () => {
    expect(daily('FREQ=DAILY;COUNT=10')).toBe(t('2026-01-10T10:00:00Z'));
    expect(daily('FREQ=DAILY;UNTIL=20260110T090000Z')).toBe(t('2026-01-10T10:00:00Z'));
    expect(daily('FREQ=DAILY;UNTIL=20260110T085959Z')).toBe(t('2026-01-09T10:00:00Z'));
    expect(daily('FREQ=DAILY;UNTIL=20251231T000000Z')).toBe(t('2026-01-01T10:00:00Z'));
    expect(daily('FREQ=DAILY')).toBeNull();
    expect(seriesEnd(series('2026-01-01T09:00:00Z', null))).toBe(t('2026-01-01T10:00:00Z'));
  });

  it('applies exceptions: moved-later occurrences extend it, a cancelled last one shortens it', () => {
    expect(daily('FREQ=DAILY;COUNT=10', [{ original_start: '2026-01-10T09:00:00Z', status: 'changed', start_time: '2026-02-01T09:00:00Z', end_time: '2026-02-01T12:00:00Z' }]))
      .toBe(t('2026-02-01T12:00:00Z'));
    expect(daily('FREQ=DAILY;UNTIL=20260110T090000Z', [{ original_start: '2026-01-04T09:00:00Z', status: 'changed', start_time: '2026-03-01T09:00:00Z' }]))
      .toBe(t('2026-03-01T10:00:00Z'));
    expect(daily('FREQ=DAILY;COUNT=10', [{ original_start: '2026-01-10T09:00:00Z', status: 'cancelled' }])).toBe(t('2026-01-09T10:00:00Z'));
    expect(daily('FREQ=DAILY;COUNT=10', [{ original_start: '2026-01-10T09:00:00Z', status: 'changed', start_time: '2026-01-05T09:00:00Z' }]))
      .toBe(t('2026-01-09T10:00:00Z'));
  });

  it('is exact for far UNTIL values and DST zones, and fast', () => {
    const began = Date.now();
    const ny = series('2026-01-01T14:00:00Z', 'FREQ=DAILY;UNTIL=90000701T000000Z', { timezone: 'America/New_York' });
    expect(iso(seriesEnd(ny)!)).toBe('9000-06-30T14:00:00Z'); // 09:00 EDT, +1 h duration
    const sparse = series('2026-01-01T09:00:00Z', 'FREQ=DAILY;INTERVAL=3;BYMONTHDAY=31;BYDAY=MO;UNTIL=99990101T000000Z');
    expect(new Date(seriesEnd(sparse)!).getUTCDate()).toBe(31);
    expect(Date.now() - began).toBeLessThan(3000);
  });
});

describe('splitSeries', () => {
  it('splits a COUNT series into parts that together give the original occurrences', () => {
    const ev = series('2026-01-01T09:00:00Z', 'FREQ=DAILY;COUNT=10', { exceptions: [
      { original_start: '2026-01-02T09:00:00Z', status: 'cancelled' },
      { original_start: '2026-01-07T09:00:00Z', status: 'changed', title: 'x' },
    ] });
    const at = t('2026-01-05T09:00:00Z');
    const { before, after } = splitSeries(ev, at);
    expect(before.rrule).toBe('FREQ=DAILY;UNTIL=20260105T085959Z');
    expect(after.rrule).toBe('FREQ=DAILY;COUNT=6');
    expect(before.exceptions.map((e) => e.original_start)).toEqual(['2026-01-02T09:00:00Z']);
    expect(after.exceptions.map((e) => e.original_start)).toEqual(['2026-01-07T09:00:00Z']);
    const first = starts({ ...ev, rrule: before.rrule, exceptions: [] });
    const second = starts({ ...ev, start: at, end: at + HOUR, rrule: after.rrule, exceptions: [] });
    expect(first).toHaveLength(4);
    expect(second).toHaveLength(6);
    expect([...first, ...second]).toEqual(starts({ ...ev, exceptions: [] }));
  });

  it('keeps UNTIL for the second part and works across DST', () => {
    const ev = series('2026-01-05T14:00:00Z', 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231T000000Z', { timezone: 'America/New_York' });
    const at = t('2026-06-03T13:00:00Z');
    const { before, after } = splitSeries(ev, at);
    expect(before.rrule).toBe('FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260603T125959Z');
    expect(after.rrule).toBe('FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231T000000Z');
    const all = starts(ev);
    expect([...starts({ ...ev, rrule: before.rrule }), ...starts({ ...ev, start: at, end: at + HOUR, rrule: after.rrule })]).toEqual(all);
  });

  it('rejects the first occurrence, non-occurrences and non-recurring events', () => {
    const ev = series('2026-01-01T09:00:00Z', 'FREQ=DAILY;COUNT=10');
    expect(() => splitSeries(ev, t('2026-01-01T09:00:00Z'))).toThrow(RangeError);
    expect(() => splitSeries(ev, t('2026-01-05T10:00:00Z'))).toThrow(RangeError);
    expect(() => splitSeries(ev, t('2026-01-11T09:00:00Z'))).toThrow(RangeError);
    expect(() => splitSeries(series('2026-01-01T09:00:00Z', null), t('2026-01-01T09:00:00Z'))).toThrow(RangeError);
  });
});

/** Luxon's reading of local wall-clock fields, taking the earlier of two instants for a repeated (1 h) hour. */
