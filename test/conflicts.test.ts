import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent } from './helpers/events.js';

const { t, users: [u] } = appForFile({ users: ['cfl'] });

const post = (payload: Record<string, unknown>, query = '') => t.req({ method: 'POST', url: `/api/events${query}`, token: u.access, payload });

describe('conflict detection', () => {
  it('refuses an overlapping one-off event with 409 listing the clash; back-to-back is fine', async () => {
    const a = await createEvent(t, u, { title: 'Dentist', start_time: '2040-01-10T10:00:00Z', end_time: '2040-01-10T11:00:00Z' });
    const clash = await post({ title: 'Call', start_time: '2040-01-10T10:30:00Z', end_time: '2040-01-10T11:30:00Z' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toMatchObject({ code: 'CONFLICT', conflicts: [{ event_id: a.id, title: 'Dentist', start_time: '2040-01-10T10:00:00Z', end_time: '2040-01-10T11:00:00Z' }] });
    expect((await post({ title: 'After', start_time: '2040-01-10T11:00:00Z', end_time: '2040-01-10T12:00:00Z' })).statusCode).toBe(201);
    expect((await post({ title: 'Before', start_time: '2040-01-10T09:00:00Z', end_time: '2040-01-10T10:00:00Z' })).statusCode).toBe(201);
  });

  it('writes anyway with check_conflicts=false and reports the conflicts', async () => {
    const a = await createEvent(t, u, { title: 'Gym', start_time: '2040-02-10T18:00:00Z', end_time: '2040-02-10T19:00:00Z' });
    const res = await post({ title: 'Dinner', start_time: '2040-02-10T18:30:00Z', end_time: '2040-02-10T20:00:00Z' }, '?check_conflicts=false');
    expect(res.statusCode).toBe(201);
    expect(res.json().conflicts).toEqual([{ event_id: a.id, title: 'Gym', start_time: '2040-02-10T18:00:00Z', end_time: '2040-02-10T19:00:00Z' }]);
    const pairs = await t.req({ method: 'GET', url: '/api/events/conflicts?start_time=2040-02-01T00:00:00Z&end_time=2040-03-01T00:00:00Z', token: u.access });
    expect(pairs.statusCode).toBe(200);
    expect(pairs.json().items).toEqual([
      { first: { event_id: a.id, title: 'Gym', start_time: '2040-02-10T18:00:00Z', end_time: '2040-02-10T19:00:00Z' }, second: { event_id: res.json().id, title: 'Dinner', start_time: '2040-02-10T18:30:00Z', end_time: '2040-02-10T20:00:00Z' } },
    ]);
  });

  it('expands recurring events on both sides', async () => {
    const weekly = await createEvent(t, u, { title: 'Weekly 1:1', start_time: '2040-03-05T14:00:00Z', end_time: '2040-03-05T15:00:00Z', recurrence_pattern: { rrule: 'FREQ=WEEKLY' } });
    // A one-off on a later Monday at the same time clashes with an occurrence.
    const one = await post({ title: 'Offsite', start_time: '2040-04-16T13:00:00Z', end_time: '2040-04-16T14:30:00Z' });
    expect(one.statusCode).toBe(409);
    expect(one.json().detail.conflicts[0]).toMatchObject({ event_id: weekly.id, start_time: '2040-04-16T14:00:00Z' });
    // A daily series starting later clashes with the weekly one on its first Monday.
    const daily = await post({ title: 'Daily lunch', start_time: '2040-03-07T14:30:00Z', end_time: '2040-03-07T15:30:00Z', recurrence_pattern: { rrule: 'FREQ=DAILY;COUNT=10' } });
    expect(daily.statusCode).toBe(409);
    expect(daily.json().detail.conflicts[0]).toMatchObject({ event_id: weekly.id, start_time: '2040-03-12T14:00:00Z' });
    // A cancelled occurrence frees its slot.
    expect((await t.req({ method: 'DELETE', url: `/api/events/${weekly.id}/occurrences/2040-04-23T14:00:00Z`, token: u.access })).statusCode).toBe(204);
    expect((await post({ title: 'Free now', start_time: '2040-04-23T14:00:00Z', end_time: '2040-04-23T15:00:00Z' })).statusCode).toBe(201);
  });

  it('checks updates too, ignoring the event itself', async () => {
    const a = await createEvent(t, u, { title: 'A', start_time: '2040-05-01T08:00:00Z', end_time: '2040-05-01T09:00:00Z' });
    const b = await createEvent(t, u, { title: 'B', start_time: '2040-05-01T10:00:00Z', end_time: '2040-05-01T11:00:00Z' });
    const self = await t.req({ method: 'PATCH', url: `/api/events/${a.id}`, token: u.access, payload: { end_time: '2040-05-01T09:30:00Z' } });
    expect(self.statusCode).toBe(200);
    const onto = await t.req({ method: 'PATCH', url: `/api/events/${a.id}`, token: u.access, payload: { start_time: '2040-05-01T10:30:00Z', end_time: '2040-05-01T11:30:00Z' } });
    expect(onto.statusCode).toBe(409);
    expect(onto.json().detail.conflicts[0].event_id).toBe(b.id);
    expect((await t.req({ method: 'GET', url: `/api/events/${a.id}`, token: u.access })).json().version).toBe(2);
  });

  it('lets exactly one of 20 concurrent creates of the same slot succeed', async () => {
    const slot = { start_time: '2040-06-01T12:00:00Z', end_time: '2040-06-01T13:00:00Z' };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ title: `Race ${i}`, ...slot })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    const list = await t.req({ method: 'GET', url: `/api/events?start_time=${slot.start_time}&end_time=${slot.end_time}`, token: u.access });
    expect(list.json().total).toBe(1);
  });

  it('rejects a conflicts window that is missing or too long', async () => {
    expect((await t.req({ method: 'GET', url: '/api/events/conflicts', token: u.access })).statusCode).toBe(400);
    expect((await t.req({ method: 'GET', url: '/api/events/conflicts?start_time=2040-01-01T00:00:00Z&end_time=2042-01-01T00:00:00Z', token: u.access })).statusCode).toBe(400);
  });
});
