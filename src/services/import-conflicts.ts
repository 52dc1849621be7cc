import type { Db } from '../db/types.js';
import { seriesEnd } from '../domain/recurrence-expand.js';
import { toSeries } from '../domain/event-draft.js';
import { DAY_MS, MAX_REPORTED_CONFLICTS } from '../domain/limits.js';
import { sweepSteps, type SweepItem } from '../domain/conflict-sweep.js';
import { expandCandidates, lowerBoundStart, mergeWindows, occurrencesIn, reportClashes, type ConflictItem, type PreparedDrafts } from './conflicts.js';
import { runSteps, type Slicer } from './work-slices.js';

/**
 * Windows of an import's VEVENTs closer than this are expanded as one span: a file's events are
 * usually days apart, and one walk per event and stored series would cost events × series walks.
 */
const JOIN_GAP_MS = 7 * DAY_MS;

/** One event of the calendar as the import's checks see it: its occurrences over the import's spans. */
interface Entry {
  title: string;
  /** Sorted by start. */
  occ: SweepItem[];
  first: number;
  last: number;
  longest: number;
}

function entryOf(title: string, occ: SweepItem[]): Entry {
  occ.sort((a, b) => a.start - b.start);
  let last = -Infinity, longest = 0;
  for (const o of occ) {
    last = Math.max(last, o.end);
    longest = Math.max(longest, o.end - o.start);
  }
  return { title, occ, first: occ.length ? occ[0].start : Infinity, last, longest };
}

/**
 * Conflict checks for an import, one VEVENT after the other as they are written (each sees the
 * events written before it), without re-reading and re-expanding the calendar for each: the
 * caller's events that can reach any VEVENT's check window are read and expanded once, over the
 * union of those windows (at the first check: a re-import of an unchanged file reads none of it);
 * each written VEVENT replaces its event's entry. A check then costs the occurrences inside its
 * own window. Work is done in slices with turns of the event loop between them.
 */
export async function createImportConflicts(db: Db, userId: number, p: PreparedDrafts, slicer: Slicer) {
  const entries = new Map<number, Entry>();
  const spans = p.drafts.length ? mergeWindows(p.windows, JOIN_GAP_MS) : [];
  const own: SweepItem[][] = p.drafts.map(() => []);
  for (const it of p.items) own[it.key].push(it);
  /** Reads and expands the calendar on first use: a re-import of an unchanged file needs none of it. */
  let loaded: Promise<void> | null = null;
  const load = async () => {
    if (!spans.length) return;
    const found = await expandCandidates(db, userId, spans, [], slicer);
    const byId = new Map<number, SweepItem[]>();
    for (const it of found.items) {
      const list = byId.get(it.key);
      if (list) list.push(it);
      else byId.set(it.key, [it]);
    }
    for (const [id, title] of found.titles) entries.set(id, entryOf(title, byId.get(id) ?? []));
  };
  const ready = () => (loaded ??= load());

  return {
    /** Clashes of draft k with the calendar as it stands now, leaving out `excludeId` (the event it updates). */
    async clashesOf(k: number, excludeId: number | null): Promise<ConflictItem[]> {
      const [ws, we] = p.windows[k];
      const items = [...own[k]];
      if (!items.length) return [];
      await ready();
      for (const [id, e] of entries) {
        if (id === excludeId || e.first >= we || e.last <= ws) continue;
        for (let i = lowerBoundStart(e.occ, ws - e.longest); i < e.occ.length && e.occ[i].start < we; i++) items.push(e.occ[i]);
      }
      await slicer.did(entries.size / 10 + items.length);
      const clashes = await runSteps(sweepSteps(items, MAX_REPORTED_CONFLICTS * 2), slicer);
      return reportClashes(clashes, (j) => p.drafts[j].title, (id) => entries.get(id)!.title);
    },

    /** Draft k was written as event `id`: later checks see it instead of the event's former state. */
    async written(k: number, id: number): Promise<void> {
      await ready();
      const d = p.drafts[k];
      entries.delete(id);
      if (d.allDay) return; // all-day events are free time
      const last = d.rrule ? (seriesEnd(toSeries(d)) ?? Infinity) : d.end;
      const occ: SweepItem[] = [];
      for (const [ws, we] of spans) {
        if (d.start >= we || last <= ws) continue;
        const list = occurrencesIn(d, ws, we);
        for (const o of list) occ.push({ key: id, fresh: false, start: o.start, end: o.end });
        await slicer.did(list.length + 1);
      }
      entries.set(id, entryOf(d.title, occ));
    },
  };
}
