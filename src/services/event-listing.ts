import type { Static } from 'typebox';
import type { DbHandle } from '../db/connection.js';
import type { EventListQuery } from '../schemas/events.schemas.js';
import type { EventRow, EventWithRole } from '../db/types.js';
import { validationError } from '../domain/errors.js';
import { hasOccurrenceBetween, occurrencesBetween, type Occurrence } from '../domain/recurrence-expand.js';
import { foldForSearch } from '../domain/search-text.js';
import { MAX_EXPANDED, MAX_SPAN_MS } from '../domain/limits.js';
import { toSeries } from '../domain/event-draft.js';
import { parseWindow } from '../domain/event-window.js';
import type { Role } from '../domain/roles.js';
import { presentEvent } from '../presenters/event.presenter.js';
import { presentOccurrence } from '../presenters/occurrence.presenter.js';
import { draftFromRow, eventsRepository } from '../repositories/events.repository.js';
import { dep, type ReadCache } from './read-cache.js';
import { allDayEnds } from '../domain/all-day.js';

/** A list request as its schema admits it (defaults filled), with the role filter parsed. */
export type ListQuery = Omit<Static<typeof EventListQuery>, 'role'> & { role?: Role };

function occurrencesOf(r: EventWithRole, ws: number, we: number): Occurrence[] {
  try {
    const draft = draftFromRow(r);
    return allDayEnds(occurrencesBetween(toSeries(draft), ws, we, MAX_EXPANDED), draft);
  } catch (err) {
    if (err instanceof RangeError) throw validationError([{ field: 'end_time', message: 'the window holds too many occurrences; narrow it' }]);
    throw err;
  }
}

export function createEventListing(handle: DbHandle, rc: ReadCache) {
  const { db } = handle;
  return {
    /**
     * Events the caller holds a role on, filtered and paginated. With a window, recurring events
     * are included only when an occurrence falls inside it; with `expand` each occurrence is an item
     * and `total` counts occurrences.
     */
    async list(actorId: number, q: ListQuery) {
      const key = `list:${actorId}:${JSON.stringify(q)}`;
      return rc.get(key, [dep.user(actorId)], 'long', () => this.load(actorId, q));
    },

    async load(actorId: number, q: ListQuery) {
      const { ws, we } = parseWindow(q.start_time, q.end_time, q.expand, q.expand ? MAX_SPAN_MS : null);
      const rows = await eventsRepository.listForUser(db, {
        userId: actorId, windowStart: ws, windowEnd: we, q: q.q === undefined ? undefined : foldForSearch(q.q), role: q.role, isRecurring: q.is_recurring,
      });
      const desc = q.sort.startsWith('-');
      const byUpdated = q.sort.endsWith('updated_at');
      type Item = { key: number; id: number; build: () => ReturnType<typeof presentEvent> | ReturnType<typeof presentOccurrence> };
      const items: Item[] = [];
      for (const r of rows) {
        if (q.expand || (r.rrule && ws !== undefined && we !== undefined)) {
          const wStart = ws ?? r.start_time;
          const wEnd = we ?? wStart + MAX_SPAN_MS;
          const occ = q.expand ? occurrencesOf(r, wStart, wEnd) : firstOccurrence(r, wStart, wEnd);
          if (!q.expand) {
            if (occ.length) items.push({ key: byUpdated ? r.updated_at : r.start_time, id: r.id, build: () => presentEvent(r, r.role) });
            continue;
          }
          for (const o of occ) items.push({ key: byUpdated ? r.updated_at : o.start, id: r.id, build: () => presentOccurrence(r, r.role, o) });
        } else {
          items.push({ key: byUpdated ? r.updated_at : r.start_time, id: r.id, build: () => (q.expand ? presentOccurrence(r, r.role, oneOff(r)) : presentEvent(r, r.role)) });
        }
      }
      items.sort((a, b) => (desc ? b.key - a.key || b.id - a.id : a.key - b.key || a.id - b.id));
      return { total: items.length, skip: q.skip, limit: q.limit, items: items.slice(q.skip, q.skip + q.limit).map((i) => i.build()) };
    },
  };
}

function oneOff(r: EventRow): Occurrence {
  return { original_start: r.start_time, start: r.start_time, end: r.end_time, is_exception: false, overrides: {} };
}

/** Whether a series has an occurrence in the window: stops at the first, so any window is cheap. */
function firstOccurrence(r: EventWithRole, ws: number, we: number): Occurrence[] {
  return hasOccurrenceBetween(toSeries(draftFromRow(r)), ws, we) ? [oneOff(r)] : [];
}
