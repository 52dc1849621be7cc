import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf } from './helpers/events.js';

/* SPEC §11 (canonical zones) and §12 (wall-clock input), through the API. */
const { t, users: [u] } = appForFile({ users: ['wall'] });

const post = (payload: Record<string, unknown>) => t.req({ method: 'POST', url: '/api/events?check_conflicts=false', token: u.access, payload });

describe('time zones in canonical form', () => {
  it('stores and returns the canonical spelling', async () => {
    const e = await createEvent(t, u, { title: 'NY', start_time: '2031-01-01T10:00:00Z', end_time: '2031-01-01T11:00:00Z', timezone: 'america/new_york' }, '?check_conflicts=false');
    expect(e.timezone).toBe('America/New_York');
    const again = await t.req({ method: 'PATCH', url: `/api/events/${e.id}`, token: u.access, payload: { timezone: 'AmERICa/ArGentina/comodrivadavia' } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().timezone).toBe(new Intl.DateTimeFormat(undefined, { timeZone: 'America/Argentina/ComodRivadavia' }).resolvedOptions().timeZone);
    expect((await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access })).json().timezone).toBe(again.json().timezone);
  });

  it('refuses an unknown zone or an offset', async () => {
    for (const timezone of ['Mars/Base', '+05:00']) {
      const res = await post({ title: 'x', start_time: '2031-01-01T10:00:00Z', end_time: '2031-01-01T11:00:00Z', timezone });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res)).toEqual(['timezone']);
    }
  });
});

describe('wall-clock input', () => {
  it('reads times without an offset in the given zone; responses stay UTC', async () => {
    const e = await createEvent(t, u, { title: 'Berlin', start_time: '2026-12-07T09:00:00', end_time: '2026-12-07T10:30:00', timezone: 'Europe/Berlin' }, '?check_conflicts=false');
    expect([e.start_time, e.end_time]).toEqual(['2026-12-07T08:00:00Z', '2026-12-07T09:30:00Z']);
    // An update without timezone reads local time in the event's own zone (CEST in July).
    const moved = await t.req({ method: 'PATCH', url: `/api/events/${e.id}?check_conflicts=false`, token: u.access, payload: { start_time: '2027-07-01T09:00:00', end_time: '2027-07-01T10:00:00' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect([moved.json().start_time, moved.json().end_time]).toEqual(['2027-07-01T07:00:00Z', '2027-07-01T08:00:00Z']);
  });

  it('answers 400 naming the field for a time in a DST gap, and takes the earlier instant in an overlap', async () => {
    const gap = await post({ title: 'gap', start_time: '2026-03-08T02:30:00', end_time: '2026-03-08T04:00:00', timezone: 'America/New_York' });
    expect(gap.statusCode, gap.body).toBe(400);
    expect(fieldsOf(gap)).toEqual(['start_time']);
    expect(gap.json().detail.errors[0].message).toMatch(/daylight saving/);
    const overlap = await createEvent(t, u, { title: 'overlap', start_time: '2026-11-01T01:30:00', end_time: '2026-11-01T03:00:00', timezone: 'America/New_York' }, '?check_conflicts=false');
    expect(overlap.start_time).toBe('2026-11-01T05:30:00Z'); // 01:30 EDT, the first of the two
    expect(overlap.end_time).toBe('2026-11-01T08:00:00Z');
  });

  it('needs a zone for a time without an offset on create', async () => {
    const res = await post({ title: 'no zone', start_time: '2026-12-07T09:00:00', end_time: '2026-12-07T10:00:00' });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['end_time', 'start_time']);
  });

  it('reads occurrence times and rdate/exdate in the event zone', async () => {
    const e = await createEvent(t, u, {
      title: 'Weekly NY', start_time: '2026-10-26T09:00:00', end_time: '2026-10-26T10:00:00', timezone: 'America/New_York',
      recurrence_pattern: { rrule: 'FREQ=WEEKLY;COUNT=3', rdate: ['2026-11-04T09:00:00'], exdate: ['2026-11-02T09:00:00'] },
    }, '?check_conflicts=false');
    expect(e.recurrence_pattern).toMatchObject({ rrule: 'FREQ=WEEKLY;COUNT=3', rdate: ['2026-11-04T14:00:00Z'], exdate: ['2026-11-02T14:00:00Z'] });
    expect(e.exceptions).toEqual([{ original_start: '2026-11-02T14:00:00Z', status: 'cancelled' }]);
    const occ = await t.req({ method: 'GET', url: `/api/events/${e.id}/occurrences?start_time=2026-10-01T00:00:00Z&end_time=2026-12-01T00:00:00Z`, token: u.access });
    expect(occ.json().items.map((o: { occurrence_start: string }) => o.occurrence_start)).toEqual(['2026-10-26T13:00:00Z', '2026-11-04T14:00:00Z', '2026-11-09T14:00:00Z']);
    const moved = await t.req({ method: 'PUT', url: `/api/events/${e.id}/occurrences/2026-11-09T14:00:00Z?check_conflicts=false`, token: u.access, payload: { start_time: '2026-11-09T11:00:00', end_time: '2026-11-09T12:00:00' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().exceptions[1]).toMatchObject({ original_start: '2026-11-09T14:00:00Z', start_time: '2026-11-09T16:00:00Z', end_time: '2026-11-09T17:00:00Z' });
    // The combined pattern a response carries is accepted back unchanged: no new version.
    const same = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { recurrence_pattern: moved.json().recurrence_pattern } });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json().version).toBe(moved.json().version);
    // Sending exdate sets the cancelled occurrences: lifting one brings it back.
    const lifted = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { recurrence_pattern: { rrule: 'FREQ=WEEKLY;COUNT=3', rdate: ['2026-11-04T14:00:00Z'], exdate: [] } } });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json().exceptions.map((x: { status: string }) => x.status)).toEqual(['changed']);
    const rdateEarly = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { recurrence_pattern: { rrule: 'FREQ=WEEKLY', rdate: ['2026-10-01T09:00:00Z'] } } });
    expect(rdateEarly.statusCode).toBe(400);
    expect(fieldsOf(rdateEarly)).toEqual(['recurrence_pattern.rdate']);
  });
});
