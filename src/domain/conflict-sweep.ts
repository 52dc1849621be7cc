/**
 * Conflict detection as one sorted sweep over occurrences (SPEC §11): every occurrence of the
 * request's own events and of the candidate existing events is sorted once by start; walking that
 * order, each occurrence is compared only with the occurrences still running when it starts.
 * Existing events are never compared with each other, so a crowded calendar costs nothing extra.
 */

/** One occurrence in the sweep: `key` groups the occurrences of one event, `fresh` marks the request's own. */
export interface SweepItem {
  key: number;
  fresh: boolean;
  start: number;
  end: number;
}

/** A clash between a fresh event and another event; `other` carries the other event's occurrence times. */
export interface SweepClash {
  fresh: number;
  other: number;
  otherFresh: boolean;
  start: number;
  end: number;
}

/** Work done by one sweep: occurrences swept and comparisons made (sort, heap and overlap checks). */
export interface SweepStats {
  occurrences: number;
  comparisons: number;
}

/** A binary min-heap on `end`, counting its comparisons into the sweep's statistics. */
class EndHeap {
  private items: SweepItem[] = [];
  constructor(private readonly stats: SweepStats) {}
  get all(): readonly SweepItem[] {
    return this.items;
  }
  private less(a: number, b: number): boolean {
    this.stats.comparisons++;
    return this.items[a].end < this.items[b].end;
  }
  push(x: SweepItem): void {
    const h = this.items;
    h.push(x);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  /** Drops every item that ended at or before `t` (half-open: it cannot overlap anything from t on). */
  dropEndedBy(t: number): void {
    const h = this.items;
    while (h.length) {
      this.stats.comparisons++;
      if (h[0].end > t) return;
      const last = h.pop()!;
      if (!h.length) return;
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
  }
}

/** Items the sweep handles between two of its pauses (see sweepSteps). */
export const SWEEP_STEP = 250;

/**
 * Finds clashes (half-open intervals sharing an instant) between fresh items and any other item
 * of a different key, in one pass over the items sorted by start. Each unordered pair of keys is
 * reported once, at the clash met first in start order; `other` is the existing event when one
 * side is existing, else the fresh event with the lower key. Stops after `maxPairs` pairs.
 * Returns the clashes in the order found and fills `stats`.
 */
export function sweepConflicts(items: SweepItem[], maxPairs: number, stats: SweepStats = { occurrences: 0, comparisons: 0 }): SweepClash[] {
  const steps = sweepSteps(items, maxPairs, stats);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * sweepConflicts as steps: pauses (yields the number of items handled since the last pause) after
 * every SWEEP_STEP items, so an async caller can give the event loop a turn; same result.
 */
export function* sweepSteps(items: SweepItem[], maxPairs: number, stats: SweepStats = { occurrences: 0, comparisons: 0 }): Generator<number, SweepClash[]> {
  stats.occurrences += items.length;
  const sorted = [...items].sort((a, b) => {
    stats.comparisons++;
    return a.start - b.start || a.end - b.end;
  });
  yield Math.min(items.length, SWEEP_STEP);
  const fresh = new EndHeap(stats);
  const existing = new EndHeap(stats);
  const seen = new Set<string>();
  const out: SweepClash[] = [];
  const report = (o: SweepItem, a: SweepItem) => {
    // Orient the pair: an existing side is always `other`; between two fresh ones the lower key is.
    const [f, other] = !a.fresh ? [o, a] : !o.fresh ? [a, o] : o.key < a.key ? [a, o] : [o, a];
    const id = `${f.key}:${other.fresh ? 'f' : 'e'}${other.key}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ fresh: f.key, other: other.key, otherFresh: other.fresh, start: other.start, end: other.end });
  };
  let handled = 0;
  for (const o of sorted) {
    if (out.length >= maxPairs) break;
    if (++handled === SWEEP_STEP) {
      yield handled;
      handled = 0;
    }
    fresh.dropEndedBy(o.start);
    existing.dropEndedBy(o.start);
    const against = o.fresh ? [fresh.all, existing.all] : [fresh.all];
    for (const list of against) {
      for (const a of list) {
        stats.comparisons++;
        if (a.key === o.key && a.fresh === o.fresh) continue;
        if (a.start < o.end && o.start < a.end) report(o, a);
      }
    }
    (o.fresh ? fresh : existing).push(o);
  }
  return out;
}
