import { describe, expect, it } from 'vitest';
import type { SweepStats } from '../src/domain/conflict-sweep.js';
import { findConflicts } from '../src/services/conflicts.js';
import type { EventDraft } from '../src/domain/event-draft.js';
import { SLICE_WORK, sliceStats } from '../src/services/work-slices.js';
import { appForFile } from './helpers/file-app.js';

const { t, users: [u] } = appForFile({ users: ['sweep'] });

const MIN = 60_000;
const BASE = Date.UTC(2041, 0, 1);
/** Daily series k 7 minutes long, 14 minutes apart, so none of them clash. */
const daily = (k: number, offsetMin = 0) => {
  const start = BASE + (k * 14 + offsetMin) * MIN;
  return { title: `Daily ${k}`, start_time: new Date(start).toISOString(), end_time: new Date(start + 7 * MIN).toISOString(), recurrence_pattern: { rrule: 'FREQ=DAILY' } };
};
const draft = (k: number, offsetMin: number, rrule = 'FREQ=DAILY;COUNT=30'): EventDraft => {
  const d = daily(k, offsetMin);
  return { title: d.title, description: '', location: '', start: Date.parse(d.start_time), end: Date.parse(d.end_time), timezone: 'UTC', rrule, exceptions: [], uid: `sweep-${k}-${offsetMin}`, allDay: false };
};

describe('conflict checks as one sweep', () => {
  it('accepts a batch of 100 non-overlapping daily drafts with the default check', async () => {
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events: Array.from({ length: 100 }, (_, k) => daily(k)) } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().created).toBe(100);
  });

  it('expands each occurrence once, over the window of the drafts only, with O(n log n) comparisons against 100 stored series', async () => {
    // 100 new drafts, each 7 minutes after a stored series' slot: no clashes, all candidates.
    const stats: SweepStats = { occurrences: 0, comparisons: 0 };
    const drafts = Array.from({ length: 100 }, (_, k) => draft(k, 7));
    expect(await findConflicts(t.c.handle.db, u.id, drafts, [], stats)).toEqual([]);
    // 30 occurrences per draft, and the stored series only over the drafts' 30 days: each once.
    const n = stats.occurrences;
    expect(n).toBeGreaterThanOrEqual(2 * 100 * 30 - 100);
    expect(n).toBeLessThanOrEqual(2 * 100 * 31);
    expect(stats.comparisons).toBeLessThan(3 * n * Math.log2(n));
  });

  it('gives other requests turns of the event loop while it checks 100 daily drafts against 100 stored series', async () => {
    const w = await t.user('sweep-work');
    const other = await t.user('sweep-other');
    const stored = await t.req({ method: 'POST', url: '/api/events/batch', token: w.access, payload: { events: Array.from({ length: 100 }, (_, k) => daily(k)) } });
    expect(stored.statusCode, stored.body).toBe(201);
    const base = await t.listen();
    // A ticker measures the longest the loop went without a turn; the batch goes over a real socket.
    let longest = 0, last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    const yields = sliceStats.yields;
    sliceStats.largestSlice = 0;
    try {
      // Each new series 7 minutes after a stored one: back to back, so the default check passes.
      const events = Array.from({ length: 100 }, (_, k) => daily(k, 7));
      const res = await fetch(`${base}/api/events/batch`, {
        method: 'POST', headers: { authorization: `Bearer ${w.access}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }),
      });
      expect(res.status).toBe(201);
    } finally {
      clearInterval(ticker);
    }
    // 200 series × 366 days: the work came in slices, none more than one series' year over the limit.
    expect(sliceStats.yields - yields).toBeGreaterThanOrEqual(Math.floor((200 * 366) / SLICE_WORK));
    expect(sliceStats.largestSlice).toBeLessThanOrEqual(SLICE_WORK + 400);
    // A generous bound for a shared machine: before the work was sliced the loop stood still for seconds.
    expect(longest).toBeLessThan(2000);
    // Other users are served meanwhile (and now).
    expect((await t.req({ method: 'GET', url: '/api/events', token: other.access })).statusCode).toBe(200);
  });

  it('still reports every clash of the batch with stored series, once per stored event', async () => {
    const drafts = [draft(3, 3), draft(7, 3)];
    const found = await findConflicts(t.c.handle.db, u.id, drafts);
    expect(found.map((c) => c.title).sort()).toEqual(['Daily 3', 'Daily 7']);
    expect(found[0]).toMatchObject({ title: 'Daily 3', start_time: '2041-01-01T00:42:00Z', end_time: '2041-01-01T00:49:00Z' });
  });

  it('answers 409 listing the earlier batch member when two drafts clash', async () => {
    const a = { title: 'A', start_time: '2020-01-01T10:00:00Z', end_time: '2020-01-01T11:00:00Z' };
    const b = { title: 'B', start_time: '2020-01-01T10:30:00Z', end_time: '2020-01-01T11:30:00Z' };
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events: [a, b] } });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail.conflicts).toEqual([{ event_id: null, index: 0, title: 'A', start_time: a.start_time, end_time: a.end_time }]);
  });
});
