import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sweepConflicts, type SweepItem, type SweepStats } from './conflict-sweep.js';

const DAY = 86_400_000, MIN = 60_000;

/** n daily series of 366 occurrences, each in its own 10-minute slot of the day (no clashes). */
function dailyDrafts(n: number, offset = 0): SweepItem[] {
  const items: SweepItem[] = [];
  for (let k = 0; k < n; k++) for (let d = 0; d < 366; d++) {
    const start = d * DAY + k * 14 * MIN + offset;
    items.push({ key: k, fresh: true, start, end: start + 10 * MIN });
  }
  return items;
}

/** Every clashing key pair the slow way, for comparison. */
function brute(items: SweepItem[]): Set<string> {
  const out = new Set<string>();
  for (const a of items) for (const b of items) {
    if (a === b || (a.key === b.key && a.fresh === b.fresh) || (!a.fresh && !b.fresh)) continue;
    if (a.start < b.end && b.start < a.end) {
      const [f, o] = !b.fresh ? [a, b] : !a.fresh ? [b, a] : a.key < b.key ? [b, a] : [a, b];
      out.add(`${f.key}:${o.fresh ? 'f' : 'e'}${o.key}`);
    }
  }
  return out;
}

describe('conflict sweep', () => {
  it('does O(n log n) comparisons for a batch of 100 non-overlapping daily drafts', () => {
    const items = dailyDrafts(100);
    const stats: SweepStats = { occurrences: 0, comparisons: 0 };
    expect(sweepConflicts(items, 100, stats)).toEqual([]);
    const n = items.length;
    expect(stats.occurrences).toBe(36_600);
    // Pairwise checking would be ~n²/2 = 670 million; the sweep stays within a few n·log2 n.
    expect(stats.comparisons).toBeLessThan(3 * n * Math.log2(n));
  });

  it('never compares existing events with each other', () => {
    // 2,000 existing events all at the same instant and one fresh event elsewhere.
    const existing: SweepItem[] = Array.from({ length: 2000 }, (_, i) => ({ key: i + 1, fresh: false, start: 0, end: DAY }));
    const stats: SweepStats = { occurrences: 0, comparisons: 0 };
    expect(sweepConflicts([...existing, { key: 0, fresh: true, start: 2 * DAY, end: 3 * DAY }], 100, stats)).toEqual([]);
    expect(stats.comparisons).toBeLessThan(3 * 2001 * Math.log2(2001));
  });

  it('keeps half-open intervals: back-to-back is no clash, a shared instant is', () => {
    const a: SweepItem = { key: 1, fresh: false, start: 10, end: 20 };
    expect(sweepConflicts([a, { key: 0, fresh: true, start: 20, end: 30 }], 10)).toEqual([]);
    expect(sweepConflicts([a, { key: 0, fresh: true, start: 0, end: 10 }], 10)).toEqual([]);
    expect(sweepConflicts([a, { key: 0, fresh: true, start: 19, end: 30 }], 10)).toEqual([{ fresh: 0, other: 1, otherFresh: false, start: 10, end: 20 }]);
  });

  it('reports a batch clash under the later draft with the earlier draft as the other side', () => {
    const items: SweepItem[] = [
      { key: 0, fresh: true, start: 0, end: 10 },
      { key: 1, fresh: true, start: 5, end: 15 },
    ];
    expect(sweepConflicts(items, 10)).toEqual([{ fresh: 1, other: 0, otherFresh: true, start: 0, end: 10 }]);
  });

  it('finds exactly the clashing pairs a brute-force check finds', () => {
    const item = fc.record({
      key: fc.integer({ min: 0, max: 6 }), fresh: fc.boolean(),
      start: fc.integer({ min: 0, max: 100 }), len: fc.integer({ min: 0, max: 30 }),
    }).map(({ len, ...r }) => ({ ...r, end: r.start + len }));
    fc.assert(fc.property(fc.array(item, { maxLength: 40 }), (items) => {
      const found = new Set(sweepConflicts(items, 10_000).map((c) => `${c.fresh}:${c.otherFresh ? 'f' : 'e'}${c.other}`));
      expect(found).toEqual(brute(items));
    }), { numRuns: 300 });
  });
});
