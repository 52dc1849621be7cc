import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf } from './helpers/events.js';

const { t, users: [u] } = appForFile({ users: ['rec'] });

async function occurrences(id: number, start: string, end: string, token = u.access) {
  const res = await t.req({ method: 'GET', url: `/api/events/${id}/occurrences?start_time=${start}&end_time=${end}`, token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { original_start: string; occurrence_start: string; occurrence_end: string; is_exception: boolean; title: string }[];
}

describe('recurrence', () => {
  it('keeps a weekly 09:00 America/New_York meeting at 09:00 local across both DST changes', async () => {
    const e = await createEvent(t, u, {
      title: 'Standup NY', start_time: '2026-02-23T09:00:00-05:00', end_time: '2026-02-23T09:30:00-05:00',
      timezone: 'America/New_York', recurrence_pattern: { frequency: 'weekly', by_weekday: ['mo'] },
    });
    expect(e.is_recurring).toBe(true);
    expect(e.recurrence_pattern).toEqual({ rrule: 'FREQ=WEEKLY;BYDAY=MO', frequency: 'WEEKLY', interval: 1, by_weekday: ['MO'], by_month_day: null, count: null, until: null,
      by_month: null, by_year_day: null, by_week_no: null, by_set_pos: null, wkst: 'MO', rdate: [], exdate: [] });
    const items = await occurrences(e.id, '2026-02-20T00:00:00Z', '2026-11-20T00:00:00Z');
    const utc = Object.fromEntries(items.map((o) => [o.occurrence_start.slice(0, 10), o.occurrence_start.slice(11)]));
    expect(utc['2026-03-02']).toBe('14:00:00Z'); // EST, before March 8
    expect(utc['2026-03-09']).toBe('13:00:00Z'); // EDT after the spring change
    expect(utc['2026-10-26']).toBe('13:00:00Z'); // still EDT
    expect(utc['2026-11-02']).toBe('14:00:00Z'); // EST after November 1
    for (const o of items) expect(Date.parse(o.occurrence_end) - Date.parse(o.occurrence_start)).toBe(30 * 60_000);
    expect(items.every((o) => new Date(o.occurrence_start).getUTCDay() === 1)).toBe(true);
  });

  it('honours COUNT, UNTIL, BYDAY and BYMONTHDAY', async () => {
    const count = await createEvent(t, u, { title: 'Count', start_time: '2033-01-03T10:00:00Z', end_time: '2033-01-03T11:00:00Z', recurrence_pattern: { rrule: 'FREQ=DAILY;COUNT=3' } });
    expect((await occurrences(count.id, '2033-01-01T00:00:00Z', '2033-02-01T00:00:00Z')).map((o) => o.occurrence_start)).toEqual([
      '2033-01-03T10:00:00Z', '2033-01-04T10:00:00Z', '2033-01-05T10:00:00Z',
    ]);
    const until = await createEvent(t, u, { title: 'Until', start_time: '2033-02-01T12:00:00Z', end_time: '2033-02-01T13:00:00Z', recurrence_pattern: { frequency: 'DAILY', interval: 2, until: '2033-02-07T12:00:00Z' } });
    expect(until.recurrence_pattern.rrule).toBe('FREQ=DAILY;INTERVAL=2;UNTIL=20330207T120000Z');
    expect((await occurrences(until.id, '2033-02-01T00:00:00Z', '2033-03-01T00:00:00Z')).map((o) => o.occurrence_start.slice(0, 10))).toEqual([
      '2033-02-01', '2033-02-03', '2033-02-05', '2033-02-07',
    ]);
    const byday = await createEvent(t, u, { title: 'MoWe', start_time: '2033-03-07T08:00:00Z', end_time: '2033-03-07T08:30:00Z', recurrence_pattern: { rrule: 'RRULE:FREQ=WEEKLY;BYDAY=WE,MO;COUNT=4' } });
    expect(byday.recurrence_pattern.rrule).toBe('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4');
    expect((await occurrences(byday.id, '2033-03-01T00:00:00Z', '2033-04-01T00:00:00Z')).map((o) => o.occurrence_start.slice(0, 10))).toEqual([
      '2033-03-07', '2033-03-09', '2033-03-14', '2033-03-16',
    ]);
    const monthly = await createEvent(t, u, { title: 'Month end', start_time: '2033-01-31T18:00:00Z', end_time: '2033-01-31T19:00:00Z', recurrence_pattern: { frequency: 'MONTHLY', by_month_day: [-1], count: 4 } });
    expect((await occurrences(monthly.id, '2033-01-01T00:00:00Z', '2033-06-01T00:00:00Z')).map((o) => o.occurrence_start.slice(0, 10))).toEqual([
      '2033-01-31', '2033-02-28', '2033-03-31', '2033-04-30',
    ]);
    const the31st = await createEvent(t, u, { title: '31st', start_time: '2034-01-31T07:00:00Z', end_time: '2034-01-31T07:15:00Z', recurrence_pattern: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3' } });
    expect((await occurrences(the31st.id, '2034-01-01T00:00:00Z', '2034-12-01T00:00:00Z')).map((o) => o.occurrence_start.slice(0, 10))).toEqual([
      '2034-01-31', '2034-03-31', '2034-05-31',
    ]);
  });

  it('accepts its own combined pattern back and rejects disagreeing parts', async () => {
    const e = await createEvent(t, u, { title: 'Round trip', start_time: '2035-01-01T10:00:00Z', end_time: '2035-01-01T11:00:00Z', recurrence_pattern: { rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=2' } });
    const back = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { recurrence_pattern: e.recurrence_pattern } });
    expect(back.statusCode).toBe(200);
    expect(back.json().version).toBe(1);
    const bad = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { recurrence_pattern: { ...e.recurrence_pattern, count: 5 } } });
    expect(bad.statusCode).toBe(400);
    const byday = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: { title: 'x', start_time: '2035-02-01T10:00:00Z', end_time: '2035-02-01T11:00:00Z', recurrence_pattern: { rrule: 'FREQ=WEEKLY;BYDAY=XX' } } });
    expect(byday.statusCode).toBe(400);
    expect(fieldsOf(byday)[0]).toMatch(/^recurrence_pattern/);
    // Turning recurrence off clears the pattern.
    const off = await t.req({ method: 'PATCH', url: `/api/events/${e.id}`, token: u.access, payload: { is_recurring: false } });
    expect(off.json()).toMatchObject({ is_recurring: false, recurrence_pattern: null, exceptions: [] });
  });

  it('shows cancelled and changed occurrences correctly in expanded lists', async () => {
    const e = await createEvent(t, u, { title: 'Daily', start_time: '2036-05-04T09:00:00Z', end_time: '2036-05-04T10:00:00Z', recurrence_pattern: { rrule: 'FREQ=DAILY;COUNT=5' } });
    const cancel = await t.req({ method: 'DELETE', url: `/api/events/${e.id}/occurrences/2036-05-05T09:00:00Z`, token: u.access });
    expect(cancel.statusCode).toBe(204);
    // Any RFC 3339 form of the same instant names the occurrence.
    const move = await t.req({
      method: 'PUT', url: `/api/events/${e.id}/occurrences/${encodeURIComponent('2036-05-06T11:00:00+02:00')}`, token: u.access,
      payload: { start_time: '2036-05-06T14:00:00Z', end_time: '2036-05-06T15:30:00Z', title: 'Daily (moved)' },
    });
    expect(move.statusCode, move.body).toBe(200);
    expect(move.json().version).toBe(3);
    expect(move.json().exceptions).toEqual([
      { original_start: '2036-05-05T09:00:00Z', status: 'cancelled' },
      { original_start: '2036-05-06T09:00:00Z', status: 'changed', start_time: '2036-05-06T14:00:00Z', end_time: '2036-05-06T15:30:00Z', title: 'Daily (moved)' },
    ]);
    const items = await occurrences(e.id, '2036-05-01T00:00:00Z', '2036-06-01T00:00:00Z');
    expect(items.map((o) => [o.original_start.slice(0, 10), o.occurrence_start.slice(11, 16), o.is_exception, o.title])).toEqual([
      ['2036-05-04', '09:00', false, 'Daily'],
      ['2036-05-06', '14:00', true, 'Daily (moved)'],
      ['2036-05-07', '09:00', false, 'Daily'],
      ['2036-05-08', '09:00', false, 'Daily'],
    ]);
    const list = await t.req({ method: 'GET', url: '/api/events?expand=true&start_time=2036-05-06T12:00:00Z&end_time=2036-05-06T23:00:00Z', token: u.access });
    expect(list.json().items.map((i: { title: string; occurrence_start: string }) => [i.title, i.occurrence_start])).toEqual([['Daily (moved)', '2036-05-06T14:00:00Z']]);
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e.id}/occurrences/2036-05-06T09:30:00Z`, token: u.access })).statusCode).toBe(404);
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e.id}/occurrences/not-a-time`, token: u.access })).statusCode).toBe(400);
  });

  it('splits a series for "this and following", keeping both halves correct', async () => {
    const e = await createEvent(t, u, { title: 'Course', start_time: '2037-01-05T17:00:00Z', end_time: '2037-01-05T18:00:00Z', recurrence_pattern: { rrule: 'FREQ=WEEKLY;COUNT=6' } });
    const split = await t.req({
      method: 'PUT', url: `/api/events/${e.id}/occurrences/2037-01-19T17:00:00Z?scope=following`, token: u.access,
      payload: { title: 'Course (new room)', location: 'Room 7' },
    });
    expect(split.statusCode, split.body).toBe(200);
    const { original, following } = split.json();
    expect(original.id).toBe(e.id);
    expect(original.version).toBe(2);
    expect(original.recurrence_pattern.until).toBe('2037-01-19T16:59:59Z');
    expect(original.recurrence_pattern.count).toBeNull();
    expect(following).toMatchObject({ title: 'Course (new room)', location: 'Room 7', start_time: '2037-01-19T17:00:00Z', version: 1, created_by: u.id });
    expect(following.recurrence_pattern.count).toBe(4);
    const a = await occurrences(e.id, '2037-01-01T00:00:00Z', '2037-03-01T00:00:00Z');
    const b = await occurrences(following.id, '2037-01-01T00:00:00Z', '2037-03-01T00:00:00Z');
    expect(a.map((o) => o.occurrence_start.slice(0, 10))).toEqual(['2037-01-05', '2037-01-12']);
    expect(b.map((o) => o.occurrence_start.slice(0, 10))).toEqual(['2037-01-19', '2037-01-26', '2037-02-02', '2037-02-09']);
    const first = await t.req({ method: 'PUT', url: `/api/events/${following.id}/occurrences/2037-01-19T17:00:00Z?scope=following`, token: u.access, payload: { title: 'x' } });
    expect(first.statusCode).toBe(400);
  });
});
