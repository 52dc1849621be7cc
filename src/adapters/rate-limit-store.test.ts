import { describe, expect, it } from 'vitest';
import { MemoryCounters } from './rate-limit-store.js';

describe('MemoryCounters', () => {
  it('counts within a window and starts over after it', () => {
    const c = new MemoryCounters();
    expect(c.incr('a', 60_000, 0)).toEqual({ current: 1, ttl: 60_000 });
    expect(c.incr('a', 60_000, 1_000)).toEqual({ current: 2, ttl: 59_000 });
    expect(c.incr('a', 60_000, 60_000)).toEqual({ current: 1, ttl: 60_000 });
    c.close();
  });

  it('stays bounded under 100,000 distinct clients and sweeps expired windows', () => {
    const cap = 50_000;
    const c = new MemoryCounters(cap);
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) c.incr(`ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 60_000, 1_000);
    expect(c.size()).toBe(cap);
    // The newest clients are the ones kept.
    expect(c.incr('ip:10.1.134.159', 60_000, 2_000).current).toBe(2);
    c.sweep(61_001);
    expect(c.size()).toBe(0);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
    c.close();
  });
});
