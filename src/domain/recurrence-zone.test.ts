import { IANAZone } from 'luxon';
import { describe, expect, it, vi } from 'vitest';
import { canonicalTimeZone, isValidTimeZone, offsetMs, zoneOf } from './recurrence-zone.js';
import { occurrencesBetween } from './recurrence-expand.js';
import { readTimestamp } from './time.js';

describe('canonical time zones', () => {
  it('reports the runtime\'s canonical spelling, or null', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('AmERICa/ArGentina/comodrivadavia')).toBe(new Intl.DateTimeFormat(undefined, { timeZone: 'America/Argentina/ComodRivadavia' }).resolvedOptions().timeZone);
    expect(canonicalTimeZone('utc')).toBe('UTC');
    for (const bad of ['Mars/Base', '', '+05:00', '-03:00', 'x'.repeat(65), 42, null]) expect(canonicalTimeZone(bad)).toBeNull();
    expect(isValidTimeZone('europe/LONDON')).toBe(true);
  });

  it('lets the time library see only canonical names, for 1000 spellings', () => {
    const names = new Set<string>();
    const create = IANAZone.create.bind(IANAZone);
    const spy = vi.spyOn(IANAZone, 'create').mockImplementation((name: string) => { names.add(name); return create(name); });
    try {
      const base = 'america/argentina/buenos_aires';
      for (let i = 0; i < 1000; i++) {
        // 1000 different spellings of one zone (every letter's case from the bits of i).
        const spelling = [...base].map((c, k) => ((i >> (k % 12)) & 1 ? c.toUpperCase() : c)).join('');
        zoneOf(spelling);
        occurrencesBetween({ start: 0, end: 60_000, timezone: spelling, rrule: 'FREQ=DAILY;COUNT=2', exceptions: [] }, 0, 2 * 86_400_000);
      }
    } finally {
      spy.mockRestore();
    }
    expect([...names]).toEqual(['America/Buenos_Aires']);
  });
});

describe('wall-clock timestamps', () => {
  it('reads local time in the zone, refuses a DST gap and takes the earlier of two instants', () => {
    expect(readTimestamp('2026-12-07T09:00:00', 'Europe/Berlin')).toEqual({ ok: true, ms: Date.UTC(2026, 11, 7, 8) });
    expect(readTimestamp('2026-03-08T02:30:00', 'America/New_York')).toEqual({ ok: false, reason: 'gap' });
    expect(readTimestamp('2026-11-01T01:30:00', 'America/New_York')).toEqual({ ok: true, ms: Date.UTC(2026, 10, 1, 5, 30) });
    expect(readTimestamp('2026-12-07T09:00:00')).toEqual({ ok: false, reason: 'offset' });
    expect(readTimestamp('2026-12-07T09:00:00+01:00', 'America/New_York')).toEqual({ ok: true, ms: Date.UTC(2026, 11, 7, 8) });
    expect(readTimestamp('2026-02-30T09:00:00', 'UTC')).toEqual({ ok: false, reason: 'format' });
  });
});

describe('cached offsets', () => {
  it('match the runtime at every hour and around every transition, across two years in zones with unusual rules', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Apia', 'America/Santiago', 'UTC', 'Etc/GMT+5'];
    let checked = 0;
    for (const name of zones) {
      const zone = zoneOf(name);
      const exact = (ts: number) => Math.round(zone.offset(ts) * 60_000);
      // Pacific/Apia skipped 30 December 2011; Lord Howe moves by 30 minutes.
      for (const from of [Date.UTC(2011, 0, 1), Date.UTC(2025, 0, 1)]) {
        for (let ts = from; ts < from + 2 * 365 * 86_400_000; ts += 3_600_000 + 60_000 * 7) {
          expect(offsetMs(zone, ts), `${name} ${new Date(ts).toISOString()}`).toBe(exact(ts));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100_000);
  });
});
