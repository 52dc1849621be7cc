import { beforeAll, describe, expect, it } from 'vitest';
import { recurrenceWork } from '../src/domain/recurrence-expand.js';
import { SLICE_WORK, sliceStats } from '../src/services/work-slices.js';
import { appForFile } from './helpers/file-app.js';
import { importIcs } from './helpers/ical.js';

/* An import checks each VEVENT against the calendar as written so far, at a cost that does not multiply by the calendar's size. */
const { t, users: [me] } = appForFile({ users: ['ical-work'] });

const HOUR = 3_600_000;
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const vevent = (uid: string, start: number, end: number, extra: string[] = []) => ['BEGIN:VEVENT', `UID:${uid}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`, `SUMMARY:${uid}`, ...extra, 'END:VEVENT'];
const calendar = (events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//tandem//test//EN', ...events.flat(), 'END:VCALENDAR'].join('\r\n');

describe('import work', () => {
  const BASE = Date.UTC(2046, 0, 5);
  const SERIES = 20;

  beforeAll(async () => {
    // 20 endless daily series at 00:00–00:30 … 19:00–19:30 UTC: every VEVENT's day is full of them.
    const events = Array.from({ length: SERIES }, (_, k) => ({
      title: `Daily ${k}`, start_time: new Date(BASE + k * HOUR).toISOString(), end_time: new Date(BASE + k * HOUR + HOUR / 2).toISOString(), recurrence_pattern: { rrule: 'FREQ=DAILY' },
    }));
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: me.access, payload: { events } });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('expands the stored series once for the whole file, not once per VEVENT, and gives the event loop turns', async () => {
    // 200 one-offs at 20:00–21:00 and 22:00–23:00 on 100 days: next to every series, clashing with none.
    const events = Array.from({ length: 200 }, (_, i) => {
      const start = BASE + Math.floor(i / 2) * 24 * HOUR + (20 + 2 * (i % 2)) * HOUR;
      return vevent(`one-off-${i}`, start, start + HOUR);
    });
    const walks = recurrenceWork.walks;
    const yields = sliceStats.yields;
    sliceStats.largestSlice = 0;
    const out = await importIcs(t, me, calendar(events));
    expect(out).toMatchObject({ created: 200, failed: [], conflicts: [] });
    // One walk per stored series (the windows are joined into one span); per VEVENT it was 200 × 20.
    expect(recurrenceWork.walks - walks).toBeLessThanOrEqual(2 * SERIES);
    // 20 series × 100 days expanded: the loop had turns, and no slice grew past one step over the limit.
    expect(sliceStats.yields - yields).toBeGreaterThanOrEqual(Math.floor((SERIES * 100) / SLICE_WORK));
    expect(sliceStats.largestSlice).toBeLessThanOrEqual(SLICE_WORK + 400);
  });

  it('checks each VEVENT against the calendar as written so far: earlier VEVENTs of the file, moved and stored events', async () => {
    const day = BASE + 200 * 24 * HOUR;
    const first = await importIcs(t, me, calendar([vevent('mover', day + 20 * HOUR, day + 21 * HOUR)]));
    expect(first.created).toBe(1);
    const moverId = first.items[0].id;
    const out = await importIcs(t, me, calendar([
      vevent('a', day + 22 * HOUR, day + 23 * HOUR),
      // Overlaps A, written just before it in the same file.
      vevent('b', day + 22 * HOUR + HOUR / 2, day + 23 * HOUR + HOUR / 2),
      // The mover leaves 20:00 for 21:00 …
      vevent('mover', day + 21 * HOUR, day + 22 * HOUR),
      // … so its old slot is free for C; D overlaps the stored daily series at 03:00.
      vevent('c', day + 20 * HOUR, day + 21 * HOUR),
      vevent('d', day + 3 * HOUR, day + 4 * HOUR),
    ]), '?check_conflicts=true');
    expect(out.items.map((i: { uid: string; action: string }) => [i.uid, i.action])).toEqual([['a', 'created'], ['mover', 'updated'], ['c', 'created']]);
    const a = out.items[0].id;
    expect(out.items[1].id).toBe(moverId);
    expect(out.failed.map((f: { uid: string }) => f.uid)).toEqual(['b', 'd']);
    expect(out.failed[0].reason).toContain(`(event ${a})`);
    expect(out.failed[1].reason).toContain('“Daily 3”');
  });

  it('by default writes clashing VEVENTs and reports each clash once per other event', async () => {
    const day = BASE + 300 * 24 * HOUR;
    const out = await importIcs(t, me, calendar([vevent('e', day + 3 * HOUR, day + 5 * HOUR + HOUR / 4)]));
    expect(out.created).toBe(1);
    expect(out.conflicts.map((c: { title: string }) => c.title)).toEqual(['Daily 3', 'Daily 4', 'Daily 5']);
  });
});
