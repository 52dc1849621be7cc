import type { Db } from '../db/types.js';
import { conflict } from '../domain/errors.js';
import { toSeries, type EventDraft } from '../domain/event-draft.js';
import { MAX_CONFLICT_PAIRS, MAX_EXPANDED, MAX_REPORTED_CONFLICTS, MAX_SPAN_MS } from '../domain/limits.js';
import { expandOccurrences, seriesEnd, type Occurrence } from '../domain/recurrence-expand.js';
import { iso } from '../domain/time.js';
import { draftFromRow, eventsRepository } from '../repositories/events.repository.js';

export interface ConflictItem {
  event_id: number | null;
  /** For a clash inside one batch: the index of the other new event. */
  index?: number;
  title: string;
  start_time: string;
  end_time: string;
}

interface Timed {
  start: number;
  end: number;
}

/** Whether two sorted lists of half-open intervals share any instant; returns the first clash of b. */
function firstClash(a: Timed[], b: Timed[]): Timed | null {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i].start < b[j].end && b[j].start < a[i].end) return b[j];
    if (a[i].end <= b[j].end) i++;
    else j++;
  }
  return null;
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

/**
 * The caller's existing events (any role, recurring ones expanded) that overlap the drafts, and
 * clashes between the drafts themselves (a batch). Intervals are half-open: back-to-back is fine.
 * Each existing event is reported once, at its first clashing occurrence.
 */
export async function findConflicts(db: Db, userId: number, drafts: EventDraft[], excludeIds: number[] = []): Promise<ConflictItem[]> {
  const out: ConflictItem[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < drafts.length && out.length < MAX_REPORTED_CONFLICTS; k++) {
    const d = drafts[k];
    const [ws, we] = checkWindow(d);
    const mine = occurrencesIn(d, ws, we);
    if (!mine.length) continue;
    const candidates = await eventsRepository.listForUser(db, { userId, windowStart: ws, windowEnd: we, excludeIds });
    for (const c of candidates) {
      if (out.length >= MAX_REPORTED_CONFLICTS) break;
      const key = `e${c.id}`;
      if (seen.has(key)) continue;
      const clash = firstClash(mine, occurrencesIn(draftFromRow(c), ws, we));
      if (clash) {
        seen.add(key);
        out.push({ event_id: c.id, title: c.title, start_time: iso(clash.start), end_time: iso(clash.end) });
      }
    }
    for (let j = 0; j < k; j++) {
      const clash = firstClash(mine, occurrencesIn(drafts[j], ws, we));
      if (clash) out.push({ event_id: null, index: j, title: drafts[j].title, start_time: iso(clash.start), end_time: iso(clash.end) });
    }
  }
  return out;
}

/** Every pair of the user's events that overlap inside the window, with the first clashing times. */
export async function overlappingPairs(db: Db, userId: number, ws: number, we: number) {
  const rows = await eventsRepository.listForUser(db, { userId, windowStart: ws, windowEnd: we });
  const occ: { id: number; title: string; start: number; end: number }[] = [];
  for (const r of rows) {
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
