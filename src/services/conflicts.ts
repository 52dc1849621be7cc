import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { occurrencesBetween, seriesLastEnd, type Occurrence } from '../domain/recurrence-expand.js';
import { iso } from '../domain/time.js';
import { eventsRepository } from '../repositories/events.repository.js';
import { draftFromRow, toSeries, type EventDraft } from './event-input.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How far ahead a new or changed series is checked: its first year of occurrences. */
export const CONFLICT_HORIZON_MS = 366 * 86_400_000;
/** At most this many clashes are reported for one request. */
const MAX_REPORTED = 100;

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
  const end = d.rrule ? seriesLastEnd(toSeries(d)) : d.end;
  const horizon = d.start + CONFLICT_HORIZON_MS;
  return [d.start, end === null ? Math.max(horizon, d.end) : Math.min(end, Math.max(horizon, d.end))];
}

function occurrencesIn(d: EventDraft, ws: number, we: number): Occurrence[] {
  return occurrencesBetween(toSeries(d), ws, we, 20_000);
}

/**
 * The caller's existing events (any role, recurring ones expanded) that overlap the drafts, and
 * clashes between the drafts themselves (a batch). Intervals are half-open: back-to-back is fine.
 * Each existing event is reported once, at its first clashing occurrence.
 */
export async function findConflicts(db: Db, userId: number, drafts: EventDraft[], excludeIds: number[] = []): Promise<ConflictItem[]> {
  const out: ConflictItem[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < drafts.length && out.length < MAX_REPORTED; k++) {
    const d = drafts[k];
    // All-day events are free time: they neither clash nor are clashed with.
    if (d.allDay) continue;
    const [ws, we] = checkWindow(d);
    const mine = occurrencesIn(d, ws, we);
    if (!mine.length) continue;
    const candidates = await eventsRepository.listForUser(db, { userId, windowStart: ws, windowEnd: we, excludeIds });
    for (const c of candidates) {
      if (out.length >= MAX_REPORTED) break;
      const key = `e${c.id}`;
      if (seen.has(key) || c.all_day === 1) continue;
      const clash = firstClash(mine, occurrencesIn(draftFromRow(c), ws, we));
      if (clash) {
        seen.add(key);
        out.push({ event_id: c.id, title: c.title, start_time: iso(clash.start), end_time: iso(clash.end) });
      }
    }
    for (let j = 0; j < k; j++) {
      if (drafts[j].allDay) continue;
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
    if (pairs.size >= 1000) break;
  }
  return { items: [...pairs.values()] };
}
