import type { Db } from '../db/types.js';
import { conflict } from '../domain/errors.js';
import { toSeries, type EventDraft } from '../domain/event-draft.js';
import { MAX_CONFLICT_PAIRS, MAX_EXPANDED, MAX_REPORTED_CONFLICTS, MAX_SPAN_MS } from '../domain/limits.js';
import { expandOccurrences, seriesEnd, type Occurrence } from '../domain/recurrence-expand.js';
import { iso } from '../domain/time.js';
import { sweepSteps, type SweepClash, type SweepItem, type SweepStats } from '../domain/conflict-sweep.js';
import { draftFromRow, eventsRepository } from '../repositories/events.repository.js';
import { createSlicer, runSteps, type Slicer } from './work-slices.js';

export interface ConflictItem {
  event_id: number | null;
  /** For a clash inside one batch: the index of the other new event. */
  index?: number;
  title: string;
  start_time: string;
  end_time: string;
}

/** The range a draft is checked over: the event, or a new or changed series' first year of occurrences. */
export function checkWindow(d: EventDraft): [number, number] {
  const end = d.rrule ? seriesEnd(toSeries(d)) : d.end;
  const horizon = d.start + MAX_SPAN_MS;
  return [d.start, end === null ? Math.max(horizon, d.end) : Math.min(end, Math.max(horizon, d.end))];
}

export function occurrencesIn(d: EventDraft, ws: number, we: number): Occurrence[] {
  return expandOccurrences(toSeries(d), ws, we, MAX_EXPANDED);
}

/**
 * The one rule for clashes found before a write: 409 listing them, unless the caller opted to
 * write anyway (`check_conflicts=false`). `message` says what overlaps.
 */
export function rejectConflicts(conflicts: ConflictItem[], checkConflicts: boolean, message = 'The event overlaps other events in your calendar'): void {
  if (checkConflicts && conflicts.length) throw conflict(message, { conflicts });
}

/**
 * The union of the drafts' check windows as disjoint sorted spans, so no range is expanded twice.
 * Spans less than `joinGap` apart are joined: walking a rule has a fixed cost (rrule builds a
 * year's tables), so one walk over a short gap is cheaper than one walk per window.
 */
export function mergeWindows(windows: [number, number][], joinGap = 0): [number, number][] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + joinGap) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Index of the first item starting at or after t in a list sorted by start. */
export function lowerBoundStart(list: readonly { start: number }[], t: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].start < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Drafts expanded over their check windows: the request's own side of a conflict check. */
export interface PreparedDrafts {
  drafts: EventDraft[];
  windows: [number, number][];
  /** Occurrences of every draft (all-day ones have none: they are free time), keyed by draft index. */
  items: SweepItem[];
}

/**
 * Expands the drafts for a conflict check, giving the event loop a turn between slices. It reads
 * nothing from the database, so write paths run it before their transaction opens.
 */
export async function prepareDrafts(drafts: EventDraft[], slicer: Slicer = createSlicer()): Promise<PreparedDrafts> {
  const windows: [number, number][] = [];
  const items: SweepItem[] = [];
  for (let k = 0; k < drafts.length; k++) {
    const d = drafts[k];
    windows.push(checkWindow(d));
    if (d.allDay) continue;
    const occ = occurrencesIn(d, windows[k][0], windows[k][1]);
    for (const o of occ) items.push({ key: k, fresh: true, start: o.start, end: o.end });
    await slicer.did(occ.length + 1);
  }
  return { drafts, windows, items };
}

/**
 * The caller's existing events (any role, all-day ones excluded) that can reach the spans, found by
 * index from each series' first start and last end, and their occurrences inside the spans, each
 * range expanded once. Yields between slices (inside the caller's transaction: on SQLite every
 * query waits for the one connection, so nothing interleaves with it; other requests' non-database
 * work runs meanwhile).
 */
export async function expandCandidates(db: Db, userId: number, spans: [number, number][], excludeIds: number[], slicer: Slicer) {
  const candidates = await eventsRepository.listForUser(db, { userId, windowStart: spans[0][0], windowEnd: spans[spans.length - 1][1], excludeIds });
  const titles = new Map<number, string>();
  const items: SweepItem[] = [];
  for (const c of candidates) {
    if (c.all_day === 1) continue;
    titles.set(c.id, c.title);
    const series = draftFromRow(c);
    const first = c.start_time, last = c.series_end ?? Infinity;
    for (const [ws, we] of spans) {
      if (first >= we || last <= ws) continue; // the series cannot reach this span
      const occ = occurrencesIn(series, ws, we);
      for (const o of occ) items.push({ key: c.id, fresh: false, start: o.start, end: o.end });
      await slicer.did(occ.length + 1);
    }
  }
  return { items, titles };
}

/**
 * Clashes as the API lists them: each existing event once, at its first clashing occurrence, and
 * clashes between drafts naming the other draft's index; at most MAX_REPORTED_CONFLICTS.
 */
export function reportClashes(clashes: SweepClash[], draftTitle: (k: number) => string, existingTitle: (id: number) => string): ConflictItem[] {
  const out: ConflictItem[] = [];
  const reported = new Set<number>();
  clashes.sort((a, b) => a.fresh - b.fresh || a.start - b.start);
  for (const c of clashes) {
    if (out.length >= MAX_REPORTED_CONFLICTS) break;
    if (c.otherFresh) {
      out.push({ event_id: null, index: c.other, title: draftTitle(c.other), start_time: iso(c.start), end_time: iso(c.end) });
    } else if (!reported.has(c.other)) {
      reported.add(c.other);
      out.push({ event_id: c.other, title: existingTitle(c.other), start_time: iso(c.start), end_time: iso(c.end) });
    }
  }
  return out;
}

/**
 * The caller's existing events (any role, recurring ones expanded) that overlap the drafts, and
 * clashes between the drafts themselves (a batch). Intervals are half-open: back-to-back is fine.
 * Each existing event is reported once, at its first clashing occurrence. Every draft and every
 * candidate (found by index from its first start and last end) is expanded once, over the drafts'
 * windows only, and all occurrences are compared in one sorted sweep. Pass drafts already
 * expanded by prepareDrafts (before the transaction) to keep that work out of it. The work is
 * done in slices with turns of the event loop between them. `stats`, when given, is filled with
 * the work done (occurrences swept, comparisons).
 */
export async function findConflicts(db: Db, userId: number, drafts: EventDraft[] | PreparedDrafts, excludeIds: number[] = [], stats?: SweepStats): Promise<ConflictItem[]> {
  const slicer = createSlicer();
  const p = Array.isArray(drafts) ? await prepareDrafts(drafts, slicer) : drafts;
  if (!p.drafts.length) return [];
  const existing = await expandCandidates(db, userId, mergeWindows(p.windows), excludeIds, slicer);
  const clashes = await runSteps(sweepSteps([...p.items, ...existing.items], MAX_REPORTED_CONFLICTS * 2, stats), slicer);
  return reportClashes(clashes, (k) => p.drafts[k].title, (id) => existing.titles.get(id)!);
}

/** Every pair of the user's events that overlap inside the window, with the first clashing times. */
export async function overlappingPairs(db: Db, userId: number, ws: number, we: number) {
  const rows = await eventsRepository.listForUser(db, { userId, windowStart: ws, windowEnd: we });
  const slicer = createSlicer();
  const occ: { id: number; title: string; start: number; end: number }[] = [];
  for (const r of rows) {
    if (r.all_day === 1) continue;
    const list = occurrencesIn(draftFromRow(r), ws, we);
    for (const o of list) occ.push({ id: r.id, title: r.title, start: o.start, end: o.end });
    await slicer.did(list.length + 1);
  }
  occ.sort((a, b) => a.start - b.start || a.id - b.id);
  const pairs = new Map<string, { first: ConflictItem; second: ConflictItem }>();
  // Sweep: each occurrence is compared with the ones still running when it starts.
  const active: typeof occ = [];
  for (const o of occ) {
    for (let i = active.length - 1; i >= 0; i--) if (active[i].end <= o.start) active.splice(i, 1);
    for (const a of active) {
      if (a.id === o.id) continue;
      const [x, y] = a.id < o.id ? [a, o] : [o, a];
      const key = `${x.id}:${y.id}`;
      if (!pairs.has(key)) {
        pairs.set(key, {
          first: { event_id: x.id, title: x.title, start_time: iso(x.start), end_time: iso(x.end) },
          second: { event_id: y.id, title: y.title, start_time: iso(y.start), end_time: iso(y.end) },
        });
      }
    }
    active.push(o);
    await slicer.did(active.length);
    if (pairs.size >= MAX_CONFLICT_PAIRS) break;
  }
  return { items: [...pairs.values()] };
}
