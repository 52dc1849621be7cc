import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChanges, diffSnapshots, wordSegments, type Segment } from './diff.js';
import { SNAPSHOT_FIELDS, type Snapshot } from './event-snapshot.js';

const base: Snapshot = {
  title: 'Team sync',
  description: 'Weekly sync about the roadmap.',
  location: 'Room 1',
  start_time: '2030-01-07T09:00:00Z',
  end_time: '2030-01-07T10:00:00Z',
  timezone: 'UTC',
  is_recurring: false,
  recurrence_pattern: null,
  exceptions: [],
  uid: 'team-sync@tandem',
  all_day: false,
};

const side = (segments: Segment[], keep: 'insert' | 'delete') => segments.filter((s) => s.op === 'equal' || s.op === keep).map((s) => s.text).join('');

// Texts made of words, punctuation, runs of spaces and newlines: what word diffs are about.
const token = fc.constantFrom('alpha', 'beta', 'gamma', 'déjà', 'vu', '42', ' ', '  ', '\n', '\t', ',', '.', '!', '—', '😀');
const wordy = fc.array(token, { maxLength: 30 }).map((t) => t.join(''));
const text = fc.oneof(wordy, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const time = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms).toISOString());
const pattern = fc.record({
  rrule: fc.constantFrom('FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,WE', 'FREQ=MONTHLY;COUNT=3'),
  frequency: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY') as fc.Arbitrary<'DAILY'>,
  interval: fc.integer({ min: 1, max: 5 }),
  by_weekday: fc.option(fc.subarray(['MO', 'TU', 'WE'] as ('MO' | 'TU' | 'WE')[], { minLength: 1 }), { nil: null }),
  by_month_day: fc.option(fc.array(fc.integer({ min: 1, max: 28 }), { minLength: 1, maxLength: 3 }), { nil: null }),
  count: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
  until: fc.option(time, { nil: null }),
});
const exception = fc.record(
  { original_start: time, status: fc.constantFrom('cancelled', 'changed') as fc.Arbitrary<'cancelled' | 'changed'>, title: text, start_time: time },
  { requiredKeys: ['original_start', 'status'] },
);
const snapshot: fc.Arbitrary<Snapshot> = fc.record({
  title: text,
  description: text,
  location: text,
  start_time: time,
  end_time: time,
  timezone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York'),
  is_recurring: fc.boolean(),
  recurrence_pattern: fc.option(pattern, { nil: null }),
  exceptions: fc.array(exception, { maxLength: 3 }),
  uid: fc.constantFrom('a@tandem', 'b@example.com'),
  all_day: fc.boolean(),
});
// Pairs that share some fields, so the "unchanged field" branch is exercised too.
const pair = fc.tuple(snapshot, snapshot, fc.array(fc.boolean(), { minLength: SNAPSHOT_FIELDS.length, maxLength: SNAPSHOT_FIELDS.length })).map(([a, b, same]) => {
  const b2 = { ...b } as Record<string, unknown>;
  SNAPSHOT_FIELDS.forEach((f, i) => {
    if (same[i]) b2[f] = structuredClone(a[f]);
  });
  return [a, b2 as unknown as Snapshot] as const;
});

describe('diffSnapshots', () => {
  it('is empty for equal snapshots, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as Snapshot;
    expect(diffSnapshots(base, reordered)).toEqual([]);
  });

  it('lists only the changed fields, in snapshot order, with from and to', () => {
    const b = { ...base, end_time: '2030-01-07T11:00:00Z', location: 'Online' };
    expect(diffSnapshots(base, b)).toEqual([
      { field: 'location', from: 'Room 1', to: 'Online' },
      { field: 'end_time', from: '2030-01-07T10:00:00Z', to: '2030-01-07T11:00:00Z' },
    ]);
  });

  it('compares structured fields deeply', () => {
    const p = { rrule: 'FREQ=DAILY', frequency: 'DAILY' as const, interval: 1, by_weekday: null, by_month_day: null, count: 3, until: null };
    const a = { ...base, is_recurring: true, recurrence_pattern: p };
    expect(diffSnapshots(a, { ...a, recurrence_pattern: { ...p } })).toEqual([]);
    const changes = diffSnapshots(a, { ...a, recurrence_pattern: { ...p, count: 4 }, exceptions: [{ original_start: '2030-01-08T09:00:00Z', status: 'cancelled' }] });
    expect(changes.map((c) => c.field)).toEqual(['recurrence_pattern', 'exceptions']);
    expect(changes[0].segments).toBeUndefined();
  });

  it('adds word-level segments to title and description changes', () => {
    const b = { ...base, title: 'Team sync (moved)', description: 'Weekly sync about the new roadmap!' };
    const [title, description] = diffSnapshots(base, b);
    expect(title.segments).toEqual([{ op: 'equal', text: 'Team sync' }, { op: 'insert', text: ' (moved)' }]);
    expect(side(title.segments!, 'delete')).toBe('Team sync');
    expect(side(title.segments!, 'insert')).toBe('Team sync (moved)');
    expect(description.segments).toEqual([
      { op: 'equal', text: 'Weekly sync about the ' },
      { op: 'insert', text: 'new ' },
      { op: 'equal', text: 'roadmap' },
      { op: 'delete', text: '.' },
      { op: 'insert', text: '!' },
    ]);
  });

  it('does not alias the snapshots it compares', () => {
    const a = { ...base, exceptions: [{ original_start: '2030-01-08T09:00:00Z', status: 'cancelled' as const }] };
    const changes = diffSnapshots(a, base);
    (changes[0].from as unknown[]).push('x');
    expect(a.exceptions).toHaveLength(1);
  });
});

describe('wordSegments', () => {
  it('handles empty sides', () => {
    expect(wordSegments('', 'new text')).toEqual([{ op: 'insert', text: 'new text' }]);
    expect(wordSegments('old text', '')).toEqual([{ op: 'delete', text: 'old text' }]);
  });

  it('stays exact (if coarse) for long unrelated texts', () => {
    const words = (seed: number) => Array.from({ length: 1500 }, (_, i) => ((i * 7919 + seed) % 10007).toString(36)).join(' ');
    const a = words(1);
    const b = words(5003);
    const segs = wordSegments(a, b);
    expect(side(segs, 'delete')).toBe(a);
    expect(side(segs, 'insert')).toBe(b);
  });
});

describe('applyChanges', () => {
  it('sets each changed field and leaves the input alone', () => {
    const b = applyChanges(base, [{ field: 'title', from: 'Team sync', to: 'Retro' }]);
    expect(b).toEqual({ ...base, title: 'Retro' });
    expect(base.title).toBe('Team sync');
  });

  it('rejects a field that is not part of a snapshot', () => {
    expect(() => applyChanges(base, [{ field: 'version' as 'title', from: 1, to: 2 }])).toThrow(TypeError);
  });
});

describe('properties', () => {
  it('applyChanges(a, diffSnapshots(a, b)) equals b, and segments rebuild both texts', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const changes = diffSnapshots(a, b);
        expect(applyChanges(a, changes)).toEqual(b);
        expect(changes.map((c) => c.field)).toEqual(SNAPSHOT_FIELDS.filter((f) => changes.some((c) => c.field === f)));
        for (const c of changes) {
          expect(c.from).toEqual(a[c.field]);
          expect(c.to).toEqual(b[c.field]);
          if (c.field === 'title' || c.field === 'description') {
            expect(c.segments).toBeDefined();
            expect(side(c.segments!, 'delete')).toBe(c.from);
            expect(side(c.segments!, 'insert')).toBe(c.to);
            expect(c.segments!.every((s) => s.text.length > 0)).toBe(true);
          } else {
            expect(c.segments).toBeUndefined();
          }
        }
        expect(diffSnapshots(b, applyChanges(a, changes))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
