import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestUser } from './helpers/app.js';
import { createEvent, fieldsOf } from './helpers/events.js';

let t: TestApp;
let u: TestUser;
let other: TestUser;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp();
  [u, other] = await Promise.all([t.user('lst'), t.user('oth')]);
  const defs: [string, Record<string, unknown>][] = [
    ['jan', { title: 'January review', description: 'Budget numbers', start_time: '2032-01-10T09:00:00Z', end_time: '2032-01-10T10:00:00Z' }],
    ['feb', { title: 'February planning', location: 'Berlin office', start_time: '2032-02-10T09:00:00Z', end_time: '2032-02-10T10:00:00Z' }],
    ['mar', { title: 'March retro', start_time: '2032-03-10T09:00:00Z', end_time: '2032-03-10T10:00:00Z' }],
    ['weekly', { title: 'Weekly sync', start_time: '2032-01-05T15:00:00Z', end_time: '2032-01-05T15:30:00Z', recurrence_pattern: { rrule: 'FREQ=WEEKLY;COUNT=10' } }],
    ['long', { title: 'Conference', start_time: '2032-02-27T08:00:00Z', end_time: '2032-03-02T18:00:00Z' }],
  ];
  // The conference overlaps a weekly occurrence on purpose: written with check_conflicts=false.
  for (const [k, body] of defs) ids[k] = (await createEvent(t, u, body, '?check_conflicts=false')).id;
  // Someone else's event never shows up.
  await createEvent(t, other, { title: 'January secret', start_time: '2032-01-10T09:00:00Z', end_time: '2032-01-10T10:00:00Z' });
});
afterAll(async () => t.close());

async function list(query: string, token = u.access) {
  const res = await t.req({ method: 'GET', url: `/api/events?${query}`, token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const titles = (body: { items: { title: string }[] }) => body.items.map((i) => i.title);

describe('listing', () => {
  it('lists every event the caller holds a role on, sorted by start, with totals', async () => {
    const all = await list('');
    expect(all).toMatchObject({ total: 5, skip: 0, limit: 50 });
    expect(titles(all)).toEqual(['Weekly sync', 'January review', 'February planning', 'Conference', 'March retro']);
    expect(all.items.every((i: { role: string }) => i.role === 'OWNER')).toBe(true);
    expect(titles(await list('sort=-start_time'))).toEqual(['March retro', 'Conference', 'February planning', 'January review', 'Weekly sync']);
  });

  it('paginates with skip and limit, keeping the total', async () => {
    const p1 = await list('limit=2');
    const p2 = await list('limit=2&skip=2');
    const p3 = await list('limit=2&skip=4');
    expect([p1.total, p2.total, p3.total]).toEqual([5, 5, 5]);
    expect([...titles(p1), ...titles(p2), ...titles(p3)]).toEqual(titles(await list('')));
    expect(p3.items).toHaveLength(1);
    expect((await list('skip=10')).items).toEqual([]);
  });

  it('filters by time window (overlap, half-open)', async () => {
    // The weekly series (Jan 5 – Mar 8) has occurrences in both months.
    expect(titles(await list('start_time=2032-02-01T00:00:00Z&end_time=2032-02-28T00:00:00Z'))).toEqual(['Weekly sync', 'February planning', 'Conference']);
    // The conference runs into March: it overlaps a March window too.
    expect(titles(await list('start_time=2032-03-01T00:00:00Z&end_time=2032-03-31T00:00:00Z'))).toEqual(['Weekly sync', 'Conference', 'March retro']);
    expect(titles(await list('start_time=2032-03-09T00:00:00Z&end_time=2032-03-31T00:00:00Z'))).toEqual(['March retro']);
    // Back to back: an event ending exactly at the window start is not in it.
    expect(titles(await list('start_time=2032-03-10T10:00:00Z&end_time=2032-03-11T00:00:00Z'))).toEqual([]);
    // The weekly series (10 weeks from Jan 5) has occurrences in January but none in April.
    expect(titles(await list('start_time=2032-01-11T00:00:00Z&end_time=2032-01-13T00:00:00Z'))).toEqual(['Weekly sync']);
    expect(titles(await list('start_time=2032-04-01T00:00:00Z&end_time=2032-04-30T00:00:00Z'))).toEqual([]);
  });

  it('filters by text, role and recurrence', async () => {
    expect(titles(await list('q=january'))).toEqual(['January review']);
    expect(titles(await list('q=BUDGET'))).toEqual(['January review']);
    expect(titles(await list('q=berlin'))).toEqual(['February planning']);
    expect(titles(await list('q=100%25'))).toEqual([]);
    expect(titles(await list('is_recurring=true'))).toEqual(['Weekly sync']);
    expect((await list('is_recurring=false')).total).toBe(4);
    expect((await list('role=owner')).total).toBe(5);
    expect((await list('role=VIEWER')).total).toBe(0);
  });

  it('expands recurring events into occurrences inside the window', async () => {
    const body = await list('expand=true&start_time=2032-01-01T00:00:00Z&end_time=2032-02-01T00:00:00Z');
    // Jan 5, 12, 19, 26 occurrences plus the one-off January review.
    expect(body.total).toBe(5);
    expect(body.items.map((i: { title: string; occurrence_start: string }) => `${i.title}@${i.occurrence_start}`)).toEqual([
      'Weekly sync@2032-01-05T15:00:00Z',
      'January review@2032-01-10T09:00:00Z',
      'Weekly sync@2032-01-12T15:00:00Z',
      'Weekly sync@2032-01-19T15:00:00Z',
      'Weekly sync@2032-01-26T15:00:00Z',
    ]);
    const occ = body.items.find((i: { occurrence_start: string }) => i.occurrence_start === '2032-01-12T15:00:00Z');
    expect(occ).toMatchObject({ id: ids.weekly, occurrence_end: '2032-01-12T15:30:00Z', is_exception: false });
    const paged = await list('expand=true&start_time=2032-01-01T00:00:00Z&end_time=2032-02-01T00:00:00Z&limit=2&skip=2');
    expect(paged.total).toBe(5);
    expect(paged.items).toHaveLength(2);
  });

  it('rejects bad list parameters with 400 naming them', async () => {
    const bad: [string, string[]][] = [
      ['limit=0', ['limit']],
      ['limit=101', ['limit']],
      ['skip=-1', ['skip']],
      ['sort=title', ['sort']],
      ['expand=true', ['end_time', 'start_time']],
      ['expand=true&start_time=2032-01-01T00:00:00Z&end_time=2033-06-01T00:00:00Z', ['end_time']],
      ['start_time=2032-02-01T00:00:00Z&end_time=2032-01-01T00:00:00Z', ['end_time']],
      ['start_time=tomorrow', ['start_time']],
      ['role=admin', ['role']],
      ['colour=red', ['colour']],
    ];
    for (const [q, fields] of bad) {
      const res = await t.req({ method: 'GET', url: `/api/events?${q}`, token: u.access });
      expect(res.statusCode, q).toBe(400);
      expect(fieldsOf(res), q).toEqual(fields);
    }
  });
});
