import type { Db } from '../db/types.js';
import { conflict } from '../domain/errors.js';
import { toSeries, type EventDraft } from '../domain/event-draft.js';
import { MAX_CONFLICT_PAIRS, MAX_EXPANDED, MAX_REPORTED_CONFLICTS, MAX_SPAN_MS } from '../domain/limits.js';
import { expandOccurrences, seriesEnd, type Occurrence } from '../domain/recurrence-expand.js';
import { iso } from '../domain/time.js';
import { sweepConflicts, type SweepItem, type SweepStats } from '../domain/conflict-sweep.js';
import { draftFromRow, eventsRepository } from '../repositories/events.repository.js';

export interface ConflictItem {
  event_id: number | null;
  /** For a clash inside one batch: the index of the other new event. */
  index?: number;
  title: string;
  start_time: string;
  end_time: string;
}

function checkWindow(d: EventDraft): [number, number] {
  const end = d.rrule ? seriesEnd(toSeries(d)) : d.end;
  // A new or changed series is checked over its first year of occurrences.
  const horizon = d.start + MAX_SPAN_MS;
  return [d.start, end === null ? Math.max(horizon, d.end) : Math.min(end, Math.max(horizon, d.end))];
}

function occurrencesIn(d: EventDraft, ws: number, we: number): Occurrence[] {
  return expandOccurrences(toSeries(d), ws, we, MAX_EXPANDED);
}

/**
 * The one rule for clashes found before a write: 409 listing them, unless the caller opted to
 * write anyway (`check_conflicts=false`). `message` says what overlaps.
 */
export function rejectConflicts(conflicts: ConflictItem[], checkConflicts: boolean, message = 'The event overlaps other events in your calendar'): void {
  if (checkConflicts && conflicts.length) throw conflict(message, { conflicts });
}

/** The union of the drafts' check windows as disjoint sorted spans, so no range is expanded twice. */
function mergeWindows(windows: [number, number][]): [number, number][] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/**
 * The caller's existing events (any role, recurring ones expanded) that overlap the drafts, and
 * clashes between the drafts themselves (a batch). Intervals are half-open: back-to-back is fine.
 * Each existing event is reported once, at its first clashing occurrence. Every draft and every
 * candidate (found by index from its first start and last end) is expanded once, over the drafts'
 * windows only, and all occurrences are compared in one sorted sweep. `stats`, when given, is
 * filled with the work done (occurrences swept, comparisons).
 */
export async function findConflicts(db: Db, userId: number, drafts: EventDraft[], excludeIds: number[] = [], stats?: SweepStats): Promise<ConflictItem[]> {
  if (!drafts.length) return [];
  const windows = drafts.map(checkWindow);
  const items: SweepItem[] = [];
  drafts.forEach((d, k) => {
    // All-day events are free time: they neither clash nor are clashed with.
    if (d.allDay) return;
    for (const o of occurrencesIn(d, windows[k][0], windows[k][1])) items.push({ key: k, fresh: true, start: o.start, end: o.end });
  });
  const spans = mergeWindows(windows);
  const candidates = await eventsRepository.listForUser(db, { userId, windowStart: spans[0][0], windowEnd: spans[spans.length - 1][1], excludeIds });
  const byId = new Map(candidates.map((c) => [c.id, c]));
  for (const c of candidates) {
    if (c.all_day === 1) continue;
    const series = draftFromRow(c);
    const first = c.start_time, last = c.series_end ?? Infinity;
    for (const [ws, we] of spans) {
      if (first >= we || last <= ws) continue; // the series cannot reach this span
      for (const o of occurrencesIn(series, ws, we)) items.push({ key: c.id, fresh: false, start: o.start, end: o.end });
    }
  }
  const clashes = sweepConflicts(items, MAX_REPORTED_CONFLICTS * 2, stats);
  const out: ConflictItem[] = [];
  const reported = new Set<number>();
  clashes.sort((a, b) => a.fresh - b.fresh || a.start - b.start);
  for (const c of clashes) {
    if (out.length >= MAX_REPORTED_CONFLICTS) break;
    if (c.otherFresh) {
      out.push({ event_id: null, index: c.other, title: drafts[c.other].title, start_time: iso(c.start), end_time: iso(c.end) });
    } else if (!reported.has(c.other)) {
      reported.add(c.other);
      out.push({ event_id: c.other, title: byId.get(c.other)!.title, start_time: iso(c.start), end_time: iso(c.end) });
    }
  }
  return out;
}

/** Every pair of the user's events that overlap inside the window, with the first clashing times. */
export async function overlappingPairs(db: Db, userId: number, ws: number, we: number) {
  const rows = await eventsRepository.listForUser(db, { userId, windowStart: ws, windowEnd: we });
  const occ: { id: number; title: string; start: number; end: number }[] = [];
  for (const r of rows) {
    if (r.all_day === 1) continue;
    for (const o of occurrencesIn(draftFromRow(r), ws, we)) occ.push({ id: r.id, title: r.title, start: o.start, end: o.end });
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
    if (pairs.size >= MAX_CONFLICT_PAIRS) break;
  }
  return { items: [...pairs.values()] };
}
