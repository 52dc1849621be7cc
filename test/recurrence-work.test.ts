import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurrenceWork } from '../src/domain/recurrence-expand.js';
import { startTestApp, type TestApp, type TestUser } from './helpers/app.js';
import { createEvent, fieldsOf } from './helpers/events.js';

/*
 * SPEC §11: recurrence cost follows the window asked about, not the series' age. Work is counted
 * (rrule periods scanned, exposed by the domain for this purpose), never timed. On the build before
 * this change a 1900–9998 listing of one daily series scanned 20,000 occurrences, and splitting a
 * 1900 series in 2100 walked ~73,000 days twice.
 */
let t: TestApp;
let u: TestUser;
const SERIES = 20;
const ids: number[] = [];
beforeAll(async () => {
  t = await startTestApp();
  u = await t.user('work');
  for (let i = 0; i < SERIES; i++) {
    const h = String(i).padStart(2, '0');
    const e = await createEvent(t, u, {
      title: `Daily since 1900 #${i}`, start_time: `1900-01-01T00:${h}:00Z`, end_time: `1900-01-01T00:${h}:30Z`, recurrence_pattern: { rrule: 'FREQ=DAILY' },
    }, '?check_conflicts=false');
    ids.push(e.id);
  }
}, 120_000);
afterAll(async () => t.close());

/** Periods rrule scanned while `fn` ran. */
async function work<T>(fn: () => Promise<T>): Promise<{ periods: number; value: T }> {
  const before = recurrenceWork.periods;
  const value = await fn();
  return { periods: recurrenceWork.periods - before, value };
}

const get = (url: string) => t.req({ method: 'GET', url, token: u.access });

describe('recurrence work follows the window', () => {
  it.each([
    ['1900-01-01T00:00:00Z', '9998-12-31T00:00:00Z', ''],
    ['2000-06-01T00:00:00Z', '9998-12-31T00:00:00Z', '&skip=1'],
    ['7000-03-01T12:00:00Z', '9998-12-31T00:00:00Z', '&is_recurring=true'],
  ])('lists %s – %s without expanding whole series', async (from, to, extra) => {
    const { periods, value: res } = await work(() => get(`/api/events?start_time=${from}&end_time=${to}&limit=100${extra}`));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().total).toBe(SERIES);
    expect(periods).toBeLessThanOrEqual(SERIES * 10);
  });

  it('expands a 366-day window of a series that began in 1900 at the cost of that window', async () => {
    const { periods, value: res } = await work(() => get(`/api/events/${ids[0]}/occurrences?start_time=2500-01-01T00:00:00Z&end_time=2501-01-01T00:00:00Z`));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toHaveLength(365);
    expect(periods).toBeLessThanOrEqual(366 + 10);
  });

  it('cancels, changes and splits in 2100 as cheaply as in a new series', async () => {
    // A user with this one series, so the conflict checks of the change and the split meet nothing else.
    const solo = await t.user('solo');
    const { id } = (await t.req({ method: 'POST', url: '/api/events', token: solo.access, payload: {
      title: 'Daily since 1900', start_time: '1900-01-01T00:01:00Z', end_time: '1900-01-01T00:31:00Z', recurrence_pattern: { rrule: 'FREQ=DAILY' },
    } })).json();
    const as = { token: solo.access };
    const key = '2100-03-01T00:01:00Z';
    const cancel = await work(() => t.req({ method: 'DELETE', url: `/api/events/${id}/occurrences/${key}`, ...as }));
    expect(cancel.value.statusCode, cancel.value.body).toBe(204);
    expect(cancel.periods).toBeLessThanOrEqual(20);
    const change = await work(() => t.req({ method: 'PUT', url: `/api/events/${id}/occurrences/2100-03-02T00:01:00Z`, ...as, payload: { title: 'moved' } }));
    expect(change.value.statusCode, change.value.body).toBe(200);
    expect(change.periods).toBeLessThanOrEqual(400);
    const split = await work(() => t.req({ method: 'PUT', url: `/api/events/${id}/occurrences/2100-03-10T00:01:00Z?scope=following`, ...as, payload: { title: 'from 2100 on' } }));
    expect(split.value.statusCode, split.value.body).toBe(200);
    expect(split.value.json().original.recurrence_pattern.until).toBe('2100-03-10T00:00:59Z');
    // The new series is conflict-checked over its first year: one year of its own days.
    expect(split.periods).toBeLessThanOrEqual(400);
  });

  it('checks a new event in 2100 against every old series at the cost of its own horizon', async () => {
    const res = await work(() => t.req({ method: 'POST', url: '/api/events', token: u.access, payload: { title: 'one-off', start_time: '2100-05-05T00:00:00Z', end_time: '2100-05-05T01:00:00Z' } }));
    expect(res.value.statusCode, res.value.body).toBe(409);
    expect(res.value.json().detail.conflicts.length).toBeGreaterThan(0);
    expect(res.periods).toBeLessThanOrEqual(SERIES * 10);
  });

  it('bounds a COUNT series by its COUNT, however far the window', async () => {
    const e = await createEvent(t, u, { title: 'Thousand days', start_time: '1900-01-01T12:00:00Z', end_time: '1900-01-01T12:30:00Z', recurrence_pattern: { rrule: 'FREQ=DAILY;COUNT=1000' } }, '?check_conflicts=false');
    const { periods, value: res } = await work(() => get(`/api/events/${e.id}/occurrences?start_time=1902-06-01T00:00:00Z&end_time=1903-06-01T00:00:00Z`));
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((o: { occurrence_start: string }) => o.occurrence_start).slice(-1)).toEqual(['1902-09-27T12:00:00Z']); // the 1000th day
    expect(periods).toBeLessThanOrEqual(1000 + 10);
  });

  it('lists a month of a zoned daily series begun 20 years ago with the work of one begun last week (the bench row)', async () => {
    const DAY = 86_400_000;
    const today = Math.floor(Date.now() / DAY) * DAY;
    const window = `start_time=${new Date(today + 7 * DAY).toISOString()}&end_time=${new Date(today + 38 * DAY).toISOString()}`;
    const cost: Record<string, number[]> = {};
    for (const [name, start] of [['old', today - Math.round(20 * 365.25) * DAY], ['new', today - 7 * DAY]] as const) {
      const owner = await t.user(`age-${name}`);
      const s = start + 8 * 3600_000;
      const body = { title: `Daily since ${name}`, start_time: new Date(s).toISOString(), end_time: new Date(s + 1800_000).toISOString(), timezone: 'Europe/Paris', recurrence_pattern: { frequency: 'DAILY' } };
      expect((await t.req({ method: 'POST', url: '/api/events', token: owner.access, payload: body })).statusCode).toBe(201);
      const url = `/api/events?expand=true&${window}&limit=100`;
      cost[name] = [];
      for (let i = 0; i < 2; i++) {
        const { periods, value: res } = await work(() => t.req({ method: 'GET', url, token: owner.access }));
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().total).toBe(31);
        cost[name].push(periods);
      }
    }
    // The first listing walks the window's days (plus the margins), whatever the series' age; the repeat is a cache hit.
    expect(cost.old[0]).toBeLessThanOrEqual(cost.new[0]);
    expect(cost.new[0]).toBeLessThanOrEqual(31 + 10);
    expect([cost.old[1], cost.new[1]]).toEqual([0, 0]);
  });

  it('refuses a rule that never recurs, whose every window would be a long search', async () => {
    const res = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: { title: 'Feb 30', start_time: '2030-02-28T09:00:00Z', end_time: '2030-02-28T10:00:00Z', recurrence_pattern: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' } } });
    expect(res.statusCode, res.body).toBe(400);
    expect(fieldsOf(res)).toEqual(['recurrence_pattern']);
  });
});
