import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  expandOccurrences, isOriginalOccurrence, occurrenceIndex, seriesEnd, splitSeries, isValidTimeZone,
  type OccurrenceException, type SeriesInput,
} from './recurrence-expand.js';
import { parsePattern, WEEKDAYS } from './recurrence-pattern.js';

import { t, iso, HOUR, series, starts, local } from '../../test/helpers/recurrence.js';

describe('daylight-saving changes', () => {
  it('keeps a weekly 09:00 America/New_York meeting at 09:00 local across March and November 2026', () => {
    const ev = series('2026-03-02T14:00:00Z', 'FREQ=WEEKLY', { timezone: 'America/New_York' });
    const occ = expandOccurrences(ev, t('2026-02-01T00:00:00Z'), t('2026-11-17T00:00:00Z'));
    expect(occ).toHaveLength(38);
    for (const o of occ) {
      expect(local(o.start, 'America/New_York')).toMatch(/^Mon 2026-\d\d-\d\d 09:00$/);
      expect(o.end - o.start).toBe(HOUR);
    }
    const hours = occ.map((o) => new Date(o.start).getUTCHours());
    expect(hours.slice(0, 2)).toEqual([14, 13]); // Mar 2 EST, Mar 9 EDT
    expect(iso(occ[1].start)).toBe('2026-03-09T13:00:00Z');
    expect(iso(occ[34].start)).toBe('2026-10-26T13:00:00Z');
    expect(iso(occ[35].start)).toBe('2026-11-02T14:00:00Z');
    expect(hours.filter((h) => h === 13)).toHaveLength(34);
  });

  it('keeps a daily 08:30 Europe/London event at 08:30 local across both 2026 changes', () => {
    const ev = series('2026-03-27T08:30:00Z', 'FREQ=DAILY', { timezone: 'Europe/London' });
    expect(starts(ev, '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'))
      .toEqual(['2026-03-27T08:30:00Z', '2026-03-28T08:30:00Z', '2026-03-29T07:30:00Z', '2026-03-30T07:30:00Z']);
    expect(starts(ev, '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z'))
      .toEqual(['2026-10-24T07:30:00Z', '2026-10-25T08:30:00Z', '2026-10-26T08:30:00Z']);
  });

  it('moves a time in the spring-forward gap forward by the gap (02:30 -> 03:30 on 8 Mar 2026 in New York)', () => {
    const ev = series('2026-03-06T07:30:00Z', 'FREQ=DAILY', { timezone: 'America/New_York' });
    const occ = expandOccurrences(ev, t('2026-03-06T00:00:00Z'), t('2026-03-10T00:00:00Z'));
    expect(occ.map((o) => local(o.start, 'America/New_York')))
      .toEqual(['Fri 2026-03-06 02:30', 'Sat 2026-03-07 02:30', 'Sun 2026-03-08 03:30', 'Mon 2026-03-09 02:30']);
    expect(occ.map((o) => iso(o.start))[2]).toBe('2026-03-08T07:30:00Z');
  });

  it('takes the earlier instant for an ambiguous fall-back time', () => {
    const ny = series('2026-10-31T05:30:00Z', 'FREQ=DAILY;COUNT=3', { timezone: 'America/New_York' });
    expect(starts(ny)).toEqual(['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']);
    const london = series('2026-10-24T00:30:00Z', 'FREQ=DAILY;COUNT=3', { timezone: 'Europe/London' });
    expect(starts(london)).toEqual(['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']);
    // Southern hemisphere: 02:30 on 5 Apr 2026 happens twice in Sydney; 4 Oct 02:30 does not exist.
    const sydney = series('2026-04-03T15:30:00Z', 'FREQ=DAILY', { timezone: 'Australia/Sydney' });
    expect(starts(sydney, '2026-04-04T00:00:00Z', '2026-04-06T00:00:00Z')).toEqual(['2026-04-04T15:30:00Z', '2026-04-05T16:30:00Z']);
    expect(starts(sydney, '2026-10-03T00:00:00Z', '2026-10-05T00:00:00Z')).toEqual(['2026-10-03T16:30:00Z', '2026-10-04T15:30:00Z']);
  });

  it('applies BYDAY to the local date, not the UTC date', () => {
    // 20:00 in New York on Mondays is Tuesday in UTC.
    const ev = series('2026-01-06T01:00:00Z', 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', { timezone: 'America/New_York' });
    expect(starts(ev)).toEqual(['2026-01-06T01:00:00Z', '2026-01-13T01:00:00Z', '2026-01-20T01:00:00Z']);
  });
});

describe('rule parts', () => {
  it('COUNT includes the first occurrence', () => {
    expect(starts(series('2026-01-01T09:00:00Z', 'FREQ=DAILY;COUNT=3'))).toEqual(['2026-01-01T09:00:00Z', '2026-01-02T09:00:00Z', '2026-01-03T09:00:00Z']);
  });

  it('UNTIL is an inclusive instant', () => {
    expect(starts(series('2026-01-01T09:00:00Z', 'FREQ=DAILY;UNTIL=20260103T090000Z'))).toHaveLength(3);
    expect(starts(series('2026-01-01T09:00:00Z', 'FREQ=DAILY;UNTIL=20260103T085959Z'))).toHaveLength(2);
    // 09:00 EST is 14:00Z: comparing wall-clock time with UNTIL would get these wrong.
    const ny = (u: string) => series('2026-01-01T14:00:00Z', `FREQ=DAILY;UNTIL=${u}`, { timezone: 'America/New_York' });
    expect(starts(ny('20260103T140000Z'))).toHaveLength(3);
    expect(starts(ny('20260103T135959Z'))).toHaveLength(2);
  });

  it('BYDAY=MO,WE and INTERVAL=2', () => {
    expect(starts(series('2026-01-05T09:00:00Z', 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6')).map((s) => s.slice(5, 10)))
      .toEqual(['01-05', '01-07', '01-12', '01-14', '01-19', '01-21']);
    expect(starts(series('2026-01-05T09:00:00Z', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=4')).map((s) => s.slice(5, 10)))
      .toEqual(['01-05', '01-07', '01-19', '01-21']);
    expect(starts(series('2026-01-01T09:00:00Z', 'FREQ=DAILY;INTERVAL=2;COUNT=3')).map((s) => s.slice(5, 10)))
      .toEqual(['01-01', '01-03', '01-05']);
  });

  it('always counts the event start as the first occurrence, even off-pattern', () => {
    // 2026-01-06 is a Tuesday.
    expect(starts(series('2026-01-06T09:00:00Z', 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3')).map((s) => s.slice(5, 10)))
      .toEqual(['01-06', '01-07', '01-12']);
  });

  it('BYMONTHDAY=31 skips short months, -1 is the last day, and MONTHLY defaults to the start day', () => {
    const days = (rule: string) => starts(series('2026-01-31T09:00:00Z', rule)).map((s) => s.slice(0, 10));
    expect(days('FREQ=MONTHLY;BYMONTHDAY=31;COUNT=7'))
      .toEqual(['2026-01-31', '2026-03-31', '2026-05-31', '2026-07-31', '2026-08-31', '2026-10-31', '2026-12-31']);
    expect(days('FREQ=MONTHLY;COUNT=3')).toEqual(['2026-01-31', '2026-03-31', '2026-05-31']);
    expect(days('FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4')).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    expect(days('FREQ=YEARLY;BYMONTHDAY=-1;COUNT=3')).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
  });

  it('YEARLY on 29 February only hits leap years', () => {
    expect(starts(series('2024-02-29T12:00:00Z', 'FREQ=YEARLY;COUNT=3')).map((s) => s.slice(0, 10)))
      .toEqual(['2024-02-29', '2028-02-29', '2032-02-29']);
  });
});

describe('exceptions', () => {
  const base = (exceptions: OccurrenceException[]) => series('2026-01-01T09:00:00Z', 'FREQ=DAILY;COUNT=10', { exceptions });
  const win = (ev: SeriesInput, a: string, b: string) => expandOccurrences(ev, t(a), t(b));

  it('drops cancelled and moves changed occurrences with overrides', () => {
    const ev = base([
      { original_start: '2026-01-03T09:00:00Z', status: 'cancelled' },
      { original_start: '2026-01-04T10:00:00+01:00', status: 'changed', start_time: '2026-01-04T15:00:00Z', end_time: '2026-01-04T17:00:00Z', title: 'Moved', location: 'Room 2' },
    ]);
    const occ = win(ev, '2026-01-01T00:00:00Z', '2026-01-06T00:00:00Z');
    expect(occ.map((o) => iso(o.start))).toEqual(['2026-01-01T09:00:00Z', '2026-01-02T09:00:00Z', '2026-01-04T15:00:00Z', '2026-01-05T09:00:00Z']);
    expect(occ[2]).toEqual({ original_start: t('2026-01-04T09:00:00Z'), start: t('2026-01-04T15:00:00Z'), end: t('2026-01-04T17:00:00Z'), is_exception: true, overrides: { title: 'Moved', location: 'Room 2' } });
    expect(occ[0]).toEqual({ original_start: t('2026-01-01T09:00:00Z'), start: t('2026-01-01T09:00:00Z'), end: t('2026-01-01T10:00:00Z'), is_exception: false, overrides: {} });
  });

  it('shows an occurrence moved into the window and hides one moved out', () => {
    const ev = base([
      { original_start: '2026-01-08T09:00:00Z', status: 'changed', start_time: '2026-01-02T12:00:00Z', end_time: '2026-01-02T13:00:00Z' },
      { original_start: '2026-01-02T09:00:00Z', status: 'changed', start_time: '2026-01-20T09:00:00Z', end_time: '2026-01-20T10:00:00Z' },
    ]);
    const occ = win(ev, '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z');
    expect(occ.map((o) => [iso(o.original_start), iso(o.start)])).toEqual([['2026-01-08T09:00:00Z', '2026-01-02T12:00:00Z']]);
    expect(win(ev, '2026-01-20T00:00:00Z', '2026-01-21T00:00:00Z').map((o) => iso(o.original_start))).toEqual(['2026-01-02T09:00:00Z']);
    expect(win(ev, '2026-01-08T00:00:00Z', '2026-01-09T00:00:00Z')).toEqual([]);
  });

  it('keeps original times or duration when a change gives none or only a start', () => {
    const ev = base([
      { original_start: '2026-01-02T09:00:00Z', status: 'changed', title: 'Renamed' },
      { original_start: '2026-01-03T09:00:00Z', status: 'changed', start_time: '2026-01-03T11:00:00Z' },
    ]);
    const occ = win(ev, '2026-01-02T00:00:00Z', '2026-01-04T00:00:00Z');
    expect(occ.map((o) => [iso(o.start), iso(o.end), o.is_exception, o.overrides])).toEqual([
      ['2026-01-02T09:00:00Z', '2026-01-02T10:00:00Z', true, { title: 'Renamed' }],
      ['2026-01-03T11:00:00Z', '2026-01-03T12:00:00Z', true, {}],
    ]);
  });

  it('ignores exceptions that do not match an original occurrence', () => {
    const ev = base([
      { original_start: '2026-01-02T10:00:00Z', status: 'cancelled' },
      { original_start: '2026-01-20T09:00:00Z', status: 'changed', start_time: '2026-01-02T12:00:00Z' },
      { original_start: 'not a time', status: 'cancelled' },
    ]);
    expect(win(ev, '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z').map((o) => iso(o.start))).toEqual(['2026-01-02T09:00:00Z']);
  });
});

describe('window semantics', () => {
  const ev = series('2026-01-01T09:00:00Z', 'FREQ=DAILY');
  const count = (a: string, b: string, e: SeriesInput = ev) => expandOccurrences(e, t(a), t(b)).length;

  it('is half-open and uses overlap', () => {
    expect(count('2026-01-05T09:30:00Z', '2026-01-05T09:45:00Z')).toBe(1); // started before the window, still running
    expect(count('2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z')).toBe(0); // ended exactly at the window start
    expect(count('2026-01-05T08:00:00Z', '2026-01-05T09:00:00Z')).toBe(0); // starts exactly at the window end
    expect(count('2026-01-05T09:59:59.999Z', '2026-01-05T10:00:00Z')).toBe(1);
    expect(count('2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z')).toBe(0);
    expect(count('2025-12-01T00:00:00Z', '2026-01-01T09:00:00Z')).toBe(0);
  });

  it('treats a non-recurring event the same way', () => {
    const single = series('2026-01-01T09:00:00Z', null);
    expect(count('2026-01-01T09:30:00Z', '2026-01-01T09:31:00Z', single)).toBe(1);
    expect(count('2026-01-01T10:00:00Z', '2026-01-02T00:00:00Z', single)).toBe(0);
    expect(count('2026-01-01T00:00:00Z', '2026-01-01T09:00:00Z', single)).toBe(0);
  });

  it('includes a zero-length occurrence that starts inside the window', () => {
    const point = series('2026-01-01T00:00:00Z', 'FREQ=DAILY', { end: t('2026-01-01T00:00:00Z') });
    expect(count('2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z', point)).toBe(1);
  });

  it('includes long occurrences that began well before the window', () => {
    const long = series('2026-01-05T09:00:00Z', 'FREQ=WEEKLY', { end: t('2026-01-08T09:00:00Z') });
    expect(expandOccurrences(long, t('2026-01-21T00:00:00Z'), t('2026-01-21T01:00:00Z')).map((o) => iso(o.start))).toEqual(['2026-01-19T09:00:00Z']);
  });

  it('throws RangeError past max', () => {
    expect(expandOccurrences(ev, t('2026-01-01T00:00:00Z'), t('2026-01-11T00:00:00Z'), 10)).toHaveLength(10);
    expect(() => expandOccurrences(ev, t('2026-01-01T00:00:00Z'), t('2026-01-12T00:00:00Z'), 10)).toThrow(RangeError);
    expect(() => expandOccurrences(ev, t('2026-01-01T00:00:00Z'), t('2040-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it('expands far-future windows of old infinite series quickly and correctly', () => {
    const ny = series('2000-01-03T14:00:00Z', 'FREQ=DAILY', { timezone: 'America/New_York' });
    const began = Date.now();
    const occ = expandOccurrences(ny, t('2090-07-01T00:00:00Z'), t('2090-07-03T00:00:00Z'));
    expect(Date.now() - began).toBeLessThan(200);
    expect(occ.map((o) => iso(o.start))).toEqual(['2090-07-01T13:00:00Z', '2090-07-02T13:00:00Z']);
  });

  it('rejects an invalid time zone', () => {
    expect(() => expandOccurrences(series('2026-01-01T09:00:00Z', 'FREQ=DAILY', { timezone: 'Mars/Base' }), 0, 1)).toThrow(RangeError);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Base')).toBe(false);
    expect(isValidTimeZone('+05:00')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('occurrence keys', () => {
  const ev = series('2026-01-01T09:00:00Z', 'FREQ=DAILY;COUNT=10', { exceptions: [{ original_start: '2026-01-03T09:00:00Z', status: 'cancelled' }] });

  it('isOriginalOccurrence ignores exceptions and respects the series bounds', () => {
    expect(isOriginalOccurrence(ev, t('2026-01-03T09:00:00Z'))).toBe(true);
    expect(isOriginalOccurrence(ev, t('2026-01-01T09:00:00Z'))).toBe(true);
    expect(isOriginalOccurrence(ev, t('2026-01-10T09:00:00Z'))).toBe(true);
    expect(isOriginalOccurrence(ev, t('2026-01-11T09:00:00Z'))).toBe(false);
    expect(isOriginalOccurrence(ev, t('2026-01-03T09:00:01Z'))).toBe(false);
    expect(isOriginalOccurrence(ev, t('2025-12-31T09:00:00Z'))).toBe(false);
    const forever = series('2026-01-01T14:00:00Z', 'FREQ=WEEKLY;BYDAY=TH', { timezone: 'America/New_York' });
    expect(isOriginalOccurrence(forever, t('2099-07-02T13:00:00Z'))).toBe(true);
    expect(isOriginalOccurrence(forever, t('2099-07-02T14:00:00Z'))).toBe(false);
    expect(isOriginalOccurrence(series('2026-01-01T09:00:00Z', null), t('2026-01-01T09:00:00Z'))).toBe(true);
  });

  it('occurrenceIndex numbers original occurrences from 0', () => {
    expect(occurrenceIndex(ev, t('2026-01-01T09:00:00Z'))).toBe(0);
    expect(occurrenceIndex(ev, t('2026-01-05T09:00:00Z'))).toBe(4);
    expect(occurrenceIndex(ev, t('2026-01-10T09:00:00Z'))).toBe(9);
    expect(occurrenceIndex(ev, t('2026-01-11T09:00:00Z'))).toBe(-1);
    expect(occurrenceIndex(ev, t('2026-01-05T09:30:00Z'))).toBe(-1);
  });
});
