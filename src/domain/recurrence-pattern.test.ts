import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parsePattern, presentPattern, parseTimestamp, formatTimestamp, formatRule, MAX_COUNT, MAX_INTERVAL,
  type FieldError, type Weekday,
} from './recurrence-pattern.js';

function ok(input: unknown): string {
  const r = parsePattern(input);
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.errors)}`);
  return r.rrule;
}
function errs(input: unknown, field?: string): FieldError[] {
  const r = parsePattern(input, field);
  if (r.ok) throw new Error(`expected errors, got ${r.rrule}`);
  return r.errors;
}
const fields = (input: unknown, field?: string) => errs(input, field).map((e) => e.field);

describe('parsePattern: rrule text', () => {
  it('canonicalizes part order, case, prefix and list order', () => {
    expect(ok({ rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10' })).toBe('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
    expect(ok({ rrule: 'RRULE:count=10;byday=we,mo;freq=weekly' })).toBe('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
    expect(ok({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=31,-1,15;INTERVAL=1' })).toBe('FREQ=MONTHLY;BYMONTHDAY=-1,15,31');
    expect(ok({ rrule: 'FREQ=DAILY;INTERVAL=2;UNTIL=20260301T000000Z' })).toBe('FREQ=DAILY;INTERVAL=2;UNTIL=20260301T000000Z');
    expect(ok({ rrule: 'FREQ=YEARLY;UNTIL=20260301t000000z' })).toBe('FREQ=YEARLY;UNTIL=20260301T000000Z');
  });

  it.each([
    ['FREQ=DAILY;INTERVAL=-1', /INTERVAL/],
    ['FREQ=DAILY;INTERVAL=0', /INTERVAL/],
    [`FREQ=DAILY;INTERVAL=${MAX_INTERVAL + 1}`, /INTERVAL/],
    ['FREQ=WEEKLY;BYDAY=XX', /invalid weekday "XX"/],
    ['FREQ=WEEKLY;BYDAY=MO,MO', /duplicate/],
    ['FREQ=WEEKLY;BYDAY=1MO', /ordinals .* need FREQ=MONTHLY or YEARLY/],
    ['FREQ=DAILY;BYDAY=-1FR', /ordinal/],
    ['FREQ=MONTHLY;BYDAY=6MO', /at most 5/],
    ['FREQ=YEARLY;BYDAY=54MO', /invalid weekday/],
    ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO', /BYWEEKNO/],
    ['FREQ=MONTHLY;BYYEARDAY=1', /BYYEARDAY can only be used with FREQ=YEARLY/],
    ['FREQ=MONTHLY;BYWEEKNO=1', /BYWEEKNO can only be used with FREQ=YEARLY/],
    ['FREQ=YEARLY;BYWEEKNO=54', /week number "54"/],
    ['FREQ=YEARLY;BYYEARDAY=367', /year day "367"/],
    ['FREQ=YEARLY;BYMONTH=13', /month "13"/],
    ['FREQ=YEARLY;BYMONTH=0', /month "0"/],
    ['FREQ=MONTHLY;BYSETPOS=1', /BYSETPOS needs another BYxxx part/],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0', /set position "0"/],
    ['FREQ=WEEKLY;WKST=XX', /WKST: invalid weekday/],
    ['FREQ=DAILY;BYMINUTE=5', /BYMINUTE is not supported \(finer than DAILY\)/],
    ['FREQ=DAILY;RDATE=20260101T000000Z', /recurrence_pattern.rdate/],
    ['FREQ=MONTHLY;BYMONTHDAY=0', /month day "0"/],
    ['FREQ=MONTHLY;BYMONTHDAY=32', /month day "32"/],
    ['FREQ=DAILY;COUNT=5;UNTIL=20260301T000000Z', /COUNT and UNTIL/],
    ['FREQ=DAILY;COUNT=0', /COUNT/],
    [`FREQ=DAILY;COUNT=${MAX_COUNT + 1}`, /COUNT/],
    ['FREQ=HOURLY', /HOURLY is not supported/],
    ['FREQ=MINUTELY', /not supported/],
    ['FREQ=SECONDLY', /not supported/],
    ['FREQ=FORTNIGHTLY', /invalid frequency/],
    ['FREQ=DAILY;BYHOUR=9', /BYHOUR is not supported/],
    ['FREQ=DAILY;DTSTART=20260101T000000Z', /DTSTART is unsupported/],
    ['FREQ=DAILY;FOO=1', /unknown rule part FOO/],
    ['FREQ=DAILY;FREQ=WEEKLY', /more than once/],
    ['INTERVAL=2', /FREQ is required/],
    ['', /empty/],
    ['garbage', /malformed/],
    ['FREQ=DAILY;', /malformed/],
    ['FREQ=DAILY;UNTIL=20260301', /UNTIL/],
    ['FREQ=DAILY;UNTIL=20260301T000000', /UNTIL/],
    ['FREQ=DAILY;UNTIL=20260230T000000Z', /UNTIL/],
    ['FREQ=WEEKLY;BYMONTHDAY=1', /WEEKLY/],
  ])('rejects %s', (rule, message) => {
    const e = errs({ rrule: rule });
    expect(e.every((x) => x.field === 'recurrence_pattern.rrule')).toBe(true);
    expect(e.map((x) => x.message).join(' | ')).toMatch(message);
  });

  it('rejects a non-string rrule and uses the given field prefix', () => {
    expect(fields({ rrule: 42 })).toEqual(['recurrence_pattern.rrule']);
    expect(fields({ rrule: 'FREQ=HOURLY' }, 'events[3].recurrence_pattern')).toEqual(['events[3].recurrence_pattern.rrule']);
  });
});

describe('parsePattern: structured form', () => {
  it('builds the canonical string, case-insensitively, defaulting interval to 1', () => {
    expect(ok({ frequency: 'weekly', by_weekday: ['we', 'Mo'], count: 10 })).toBe('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
    expect(ok({ frequency: 'Daily', interval: 1 })).toBe('FREQ=DAILY');
    expect(ok({ frequency: 'DAILY', interval: null, by_weekday: null, by_month_day: null, count: null, until: null })).toBe('FREQ=DAILY');
    expect(ok({ frequency: 'MONTHLY', interval: 3, by_month_day: [31, -1] })).toBe('FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1,31');
    expect(ok({ frequency: 'DAILY', by_weekday: [] })).toBe('FREQ=DAILY');
  });

  it('converts until with an offset to UTC and truncates sub-seconds', () => {
    expect(ok({ frequency: 'DAILY', until: '2026-03-01T05:30:00+05:30' })).toBe('FREQ=DAILY;UNTIL=20260301T000000Z');
    expect(ok({ frequency: 'DAILY', until: '2026-02-28T19:00:00.999-05:00' })).toBe('FREQ=DAILY;UNTIL=20260301T000000Z');
  });

  it.each<[unknown, string[]]>([
    [{ frequency: 'DAILY', interval: -1 }, ['recurrence_pattern.interval']],
    [{ frequency: 'DAILY', interval: 1.5 }, ['recurrence_pattern.interval']],
    [{ frequency: 'DAILY', interval: '2' }, ['recurrence_pattern.interval']],
    [{ frequency: 'DAILY', interval: MAX_INTERVAL + 1 }, ['recurrence_pattern.interval']],
    [{ frequency: 'DAILY', count: 0 }, ['recurrence_pattern.count']],
    [{ frequency: 'DAILY', count: MAX_COUNT + 1 }, ['recurrence_pattern.count']],
    [{ frequency: 'hourly' }, ['recurrence_pattern.frequency']],
    [{ frequency: 'sometimes' }, ['recurrence_pattern.frequency']],
    [{ frequency: 7 }, ['recurrence_pattern.frequency']],
    [{ interval: 2 }, ['recurrence_pattern.frequency']],
    [{}, ['recurrence_pattern.frequency']],
    [{ frequency: 'WEEKLY', by_weekday: ['MO', 'TU', 'XX'] }, ['recurrence_pattern.by_weekday[2]']],
    [{ frequency: 'WEEKLY', by_weekday: ['MO', 'mo'] }, ['recurrence_pattern.by_weekday[1]']],
    [{ frequency: 'WEEKLY', by_weekday: 'MO' }, ['recurrence_pattern.by_weekday']],
    [{ frequency: 'WEEKLY', by_weekday: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU', 'MO'] }, ['recurrence_pattern.by_weekday[7]']],
    [{ frequency: 'WEEKLY', by_weekday: ['2MO'] }, ['recurrence_pattern.by_weekday']],
    [{ frequency: 'MONTHLY', by_weekday: ['0MO'] }, ['recurrence_pattern.by_weekday[0]']],
    [{ frequency: 'YEARLY', by_month: [0, 13] }, ['recurrence_pattern.by_month[0]', 'recurrence_pattern.by_month[1]']],
    [{ frequency: 'MONTHLY', by_year_day: [1] }, ['recurrence_pattern.by_year_day']],
    [{ frequency: 'MONTHLY', by_set_pos: [1] }, ['recurrence_pattern.by_set_pos']],
    [{ frequency: 'WEEKLY', wkst: 'XX' }, ['recurrence_pattern.wkst']],
    [{ frequency: 'DAILY', rdate: ['2026-03-01'] }, ['recurrence_pattern.rdate[0]']],
    [{ frequency: 'DAILY', exdate: '2026-03-01T00:00:00Z' }, ['recurrence_pattern.exdate']],
    [{ frequency: 'MONTHLY', by_month_day: [1, 0, 32, -32, 2.5] }, [1, 2, 3, 4].map((i) => `recurrence_pattern.by_month_day[${i}]`)],
    [{ frequency: 'MONTHLY', by_month_day: [5, 5] }, ['recurrence_pattern.by_month_day[1]']],
    [{ frequency: 'MONTHLY', by_month_day: Array.from({ length: 32 }, (_, i) => i + 1) }, ['recurrence_pattern.by_month_day[31]']],
    [{ frequency: 'MONTHLY', by_month_day: Array.from({ length: 63 }, (_, i) => i + 1) }, ['recurrence_pattern.by_month_day']],
    [{ frequency: 'WEEKLY', by_month_day: [1] }, ['recurrence_pattern.by_month_day']],
    [{ frequency: 'DAILY', count: 3, until: '2026-03-01T00:00:00Z' }, ['recurrence_pattern.until']],
    [{ frequency: 'DAILY', until: '2026-03-01' }, ['recurrence_pattern.until']],
    [{ frequency: 'DAILY', until: '2026-02-30T00:00:00Z' }, ['recurrence_pattern.until']],
    [{ frequency: 'DAILY', until: 1772323200000 }, ['recurrence_pattern.until']],
    [{ frequency: 'DAILY', colour: 'red' }, ['recurrence_pattern.colour']],
    [{ rrule: 'FREQ=DAILY', byday: 'MO' }, ['recurrence_pattern.byday']],
  ])('rejects %j', (input, expected) => {
    expect(fields(input)).toEqual(expected);
  });

  it('names the unknown key in the message', () => {
    expect(errs({ frequency: 'DAILY', colour: 'red' })[0].message).toContain('colour');
  });

  it('rejects non-objects at the prefix itself', () => {
    for (const v of [null, 'FREQ=DAILY', 5, ['FREQ=DAILY']]) expect(fields(v, 'events[0].recurrence_pattern')).toEqual(['events[0].recurrence_pattern']);
  });

  it('reports several problems at once with the batch prefix', () => {
    expect(fields({ frequency: 'WEEKLY', interval: 0, by_weekday: ['MO', 'ZZ'] }, 'events[3].recurrence_pattern'))
      .toEqual(['events[3].recurrence_pattern.interval', 'events[3].recurrence_pattern.by_weekday[1]']);
  });
});

describe('parsePattern: combined form', () => {
  it('accepts agreeing parts, including the full presented form', () => {
    expect(ok({ rrule: 'FREQ=WEEKLY;BYDAY=MO', frequency: 'weekly', by_weekday: ['mo'] })).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(ok({ rrule: 'FREQ=DAILY;UNTIL=20260301T000000Z', until: '2026-03-01T01:00:00+01:00' })).toBe('FREQ=DAILY;UNTIL=20260301T000000Z');
    expect(ok({ rrule: 'FREQ=DAILY;UNTIL=20260301T000000Z', until: '2026-03-01T00:00:00.500Z' })).toBe('FREQ=DAILY;UNTIL=20260301T000000Z');
  });

  it.each<[unknown, string]>([
    [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', frequency: 'DAILY' }, 'frequency'],
    [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', by_weekday: ['TU'] }, 'by_weekday'],
    [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', by_weekday: null }, 'by_weekday'],
    [{ rrule: 'FREQ=WEEKLY;INTERVAL=2', interval: 1 }, 'interval'],
    [{ rrule: 'FREQ=WEEKLY', interval: 2 }, 'interval'],
    [{ rrule: 'FREQ=WEEKLY;COUNT=5', count: 6 }, 'count'],
    [{ rrule: 'FREQ=WEEKLY;COUNT=5', count: null }, 'count'],
    [{ rrule: 'FREQ=DAILY;UNTIL=20260301T000000Z', until: '2026-03-01T00:00:01Z' }, 'until'],
    [{ rrule: 'FREQ=MONTHLY;BYMONTHDAY=1', by_month_day: [1, 2] }, 'by_month_day'],
  ])('rejects disagreement %j', (input, key) => {
    expect(fields(input)).toEqual([`recurrence_pattern.${key}`]);
  });
});

describe('parsePattern: full RFC 5545 parts, RDATE and EXDATE', () => {
  it('accepts ordinals, BYMONTH, BYWEEKNO, BYYEARDAY, BYSETPOS and WKST in both forms', () => {
    expect(ok({ rrule: 'FREQ=MONTHLY;BYDAY=-1su,+1SU;INTERVAL=2;COUNT=10' })).toBe('FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU;COUNT=10');
    expect(ok({ rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2' })).toBe('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2');
    expect(ok({ rrule: 'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO' })).toBe('FREQ=YEARLY;BYDAY=MO;BYWEEKNO=20');
    expect(ok({ rrule: 'FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=200,1,100' })).toBe('FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,100,200;COUNT=10');
    expect(ok({ rrule: 'FREQ=WEEKLY;INTERVAL=2;WKST=su' })).toBe('FREQ=WEEKLY;INTERVAL=2;WKST=SU');
    expect(ok({ rrule: 'FREQ=WEEKLY;WKST=MO' })).toBe('FREQ=WEEKLY');
    expect(ok({ frequency: 'yearly', by_month: [8, 6, 7], by_weekday: ['th'] })).toBe('FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8');
    expect(ok({ frequency: 'monthly', by_weekday: ['1fr'], count: 10 })).toBe('FREQ=MONTHLY;BYDAY=1FR;COUNT=10');
    expect(ok({ frequency: 'monthly', by_weekday: ['TU', 'WE', 'TH'], by_set_pos: [3], wkst: 'su' })).toBe('FREQ=MONTHLY;BYDAY=TU,WE,TH;BYSETPOS=3;WKST=SU');
    expect(ok({ frequency: 'yearly', by_week_no: [20], by_weekday: ['MO'], by_year_day: null })).toBe('FREQ=YEARLY;BYDAY=MO;BYWEEKNO=20');
  });

  it('stores rdate after the rule and returns exdate separately', () => {
    const r = parsePattern({ rrule: 'FREQ=DAILY;COUNT=3', rdate: ['2026-03-05T10:00:00+01:00', '2026-03-04T09:00:00Z', '2026-03-04T09:00:00Z'.replace('Z', '+00:00')] });
    expect(r).toEqual({ ok: false, errors: [{ field: 'recurrence_pattern.rdate[2]', message: 'duplicate value' }] });
    const ok2 = parsePattern({ rrule: 'FREQ=DAILY;COUNT=3', rdate: ['2026-03-05T10:00:00+01:00', '2026-03-04T09:00:00Z'], exdate: ['2026-03-02T09:00:00Z'] });
    expect(ok2).toEqual({ ok: true, rrule: 'FREQ=DAILY;COUNT=3\nRDATE:20260304T090000Z,20260305T090000Z', exdate: [Date.UTC(2026, 2, 2, 9)] });
    expect(parsePattern({ rrule: 'FREQ=DAILY', rdate: [], exdate: null })).toEqual({ ok: true, rrule: 'FREQ=DAILY', exdate: [] });
  });

  it('reads wall-clock rdate values in the zone it is given', () => {
    const r = parsePattern({ rrule: 'FREQ=DAILY', rdate: ['2026-07-04T09:00:00'] }, 'recurrence_pattern', 'America/New_York');
    expect(r).toEqual({ ok: true, rrule: 'FREQ=DAILY\nRDATE:20260704T130000Z' });
    expect(fields({ rrule: 'FREQ=DAILY', rdate: ['2026-07-04T09:00:00'] })).toEqual(['recurrence_pattern.rdate[0]']);
  });
});

describe('presentPattern', () => {
  const unset = { by_month: null, by_year_day: null, by_week_no: null, by_set_pos: null, wkst: 'MO', rdate: [], exdate: [] };
  it('presents every part with nulls for unset ones', () => {
    expect(presentPattern('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10')).toEqual({
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10', frequency: 'WEEKLY', interval: 1,
      by_weekday: ['MO', 'WE'], by_month_day: null, count: 10, until: null, ...unset,
    });
    expect(presentPattern('FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1;UNTIL=20260301T000000Z')).toEqual({
      rrule: 'FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1;UNTIL=20260301T000000Z', frequency: 'MONTHLY', interval: 2,
      by_weekday: null, by_month_day: [-1], count: null, until: '2026-03-01T00:00:00Z', ...unset,
    });
  });

  it('presents the new parts, rdate and the cancelled occurrences as exdate', () => {
    expect(presentPattern('FREQ=YEARLY;BYDAY=-1FR;BYMONTH=3;BYSETPOS=1;WKST=SU\nRDATE:20260304T090000Z', [
      { original_start: '2027-03-26T09:00:00+00:00', status: 'cancelled' }, { original_start: '2026-03-27T09:00:00Z', status: 'changed' },
    ])).toEqual({
      rrule: 'FREQ=YEARLY;BYDAY=-1FR;BYMONTH=3;BYSETPOS=1;WKST=SU', frequency: 'YEARLY', interval: 1, by_weekday: ['-1FR'],
      by_month_day: null, by_month: [3], by_year_day: null, by_week_no: null, by_set_pos: [1], wkst: 'SU',
      count: null, until: null, rdate: ['2026-03-04T09:00:00Z'], exdate: ['2027-03-26T09:00:00Z'],
    });
  });

  it('formatRule sorts lists and omits defaults whatever order it is given', () => {
    const none = { byMonth: null, byYearDay: null, byWeekNo: null, bySetPos: null, wkst: 'MO' as const };
    expect(formatRule({ frequency: 'WEEKLY', interval: 1, byWeekday: ['SU', 'WE', 'MO'], byMonthDay: null, count: null, until: null, ...none }))
      .toBe('FREQ=WEEKLY;BYDAY=MO,WE,SU');
    expect(formatRule({ frequency: 'MONTHLY', interval: 2, byWeekday: ['-1MO', '2MO', 'MO', '1MO'], byMonthDay: [31, -1, 2], count: 3, until: null, ...none }))
      .toBe('FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,1MO,2MO,-1MO;BYMONTHDAY=-1,2,31;COUNT=3');
  });

  it('throws on invalid stored text', () => {
    expect(() => presentPattern('FREQ=HOURLY')).toThrow(RangeError);
  });

  const weekday = fc.constantFrom<Weekday>('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU');
  const arbInput = fc.record({
    frequency: fc.constantFrom('daily', 'WEEKLY', 'Monthly', 'yearly'),
    interval: fc.option(fc.integer({ min: 1, max: MAX_INTERVAL })),
    by_weekday: fc.option(fc.uniqueArray(weekday, { minLength: 1, maxLength: 7 })),
    by_month_day: fc.option(fc.uniqueArray(fc.integer({ min: -31, max: 31 }).filter((n) => n !== 0), { minLength: 1, maxLength: 31 })),
    end: fc.oneof(
      fc.constant({}),
      fc.record({ count: fc.integer({ min: 1, max: MAX_COUNT }) }),
      fc.record({ until: fc.date({ min: new Date('1971-01-01'), max: new Date('9998-12-31'), noInvalidDate: true }).map((d) => d.toISOString()) }),
    ),
  }).map(({ end, ...rest }) => ({ ...rest, ...end }))
    .filter((x) => !(x.frequency === 'WEEKLY' && x.by_month_day));

  it('round-trips: the presented form (and its parts) parse back to the same canonical string', () => {
    fc.assert(fc.property(arbInput, (input) => {
      const canonical = ok(input);
      const presented = presentPattern(canonical);
      expect(presented.rrule).toBe(canonical);
      expect(ok(presented)).toBe(canonical);
      expect(ok({ rrule: presented.rrule })).toBe(canonical);
      const { rrule: _ignored, ...structured } = presented;
      expect(ok(structured)).toBe(canonical);
    }), { numRuns: 300 });
  });

  it('gives the same string for equivalent rule texts in any order/case', () => {
    fc.assert(fc.property(arbInput, fc.boolean(), (input, prefix) => {
      const canonical = ok(input);
      const parts = canonical.split(';').reverse().map((p) => p.toLowerCase());
      expect(ok({ rrule: (prefix ? 'RRULE:' : '') + parts.join(';') })).toBe(canonical);
    }), { numRuns: 200 });
  });
});

describe('timestamps', () => {
  it('parses offsets and validates fields', () => {
    expect(parseTimestamp('2026-03-01T00:00:00Z')).toBe(Date.UTC(2026, 2, 1));
    expect(parseTimestamp('2026-03-01T01:00:00.250+01:00')).toBe(Date.UTC(2026, 2, 1, 0, 0, 0, 250));
    expect(parseTimestamp('2026-02-28T19:00:00-05:00')).toBe(Date.UTC(2026, 2, 1));
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ['2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T00:00:60Z',
      '2026-03-01T00:00:00', '2026-03-01', '2026-03-01T00:00:00+25:00', 'soon']) expect(parseTimestamp(bad)).toBeNull();
  });

  it('formats UTC without milliseconds', () => {
    expect(formatTimestamp(Date.UTC(2026, 2, 1, 0, 0, 0, 999))).toBe('2026-03-01T00:00:00Z');
  });
});
