import { api, ifMatch, type ApiEvent, type EventCreate, type EventUpdate, type OccurrenceUpdate } from '../api/client';
import { Modal } from '../ui/Modal';
import { ask } from '../ui/prompt';
import { guardedWrite, type Outcome, type WriteFlags } from './guard';

export type Scope = 'this' | 'following' | 'all';

/** One occurrence of a series as the calendar shows it: its key and its actual times. */
export interface Occurrence {
  originalStart: string;
  start: string;
  end: string;
}

/** Asks which part of a series an edit applies to. */
export function askScope(): Promise<Scope | null> {
  return ask<Scope>((done) => (
    <Modal title="Edit recurring event" onClose={() => done(null)}>
      <p>Apply this change to:</p>
      <div class="actions column">
        <button type="button" class="primary" onClick={() => done('this')}>This event</button>
        <button type="button" onClick={() => done('following')}>This and following events</button>
        <button type="button" onClick={() => done('all')}>All events</button>
        <button type="button" onClick={() => done(null)}>Cancel</button>
      </div>
    </Modal>
  ));
}

const lockHeaders = (f: WriteFlags, version: number) => (f.mode === 'lock' ? ifMatch(version) : {});

/** POST /api/events, conflict-checked. */
export function createEvent(body: EventCreate): Promise<Outcome<ApiEvent>> {
  return guardedWrite({ canMerge: false }, (f) => // openapi-fetch re-derives the recurrence_pattern union (anyOf) with exclusive keys; the body is
  // the same generated EventCreate type, so only that derivation differs.
  api.POST('/api/events', { params: { query: { check_conflicts: f.checkConflicts } }, body: body as never }));
}

/** PUT /api/events/{id}: If-Match the version seen; after a 412, a merge sends base_version instead. */
export function updateSeries(ev: ApiEvent, body: EventUpdate): Promise<Outcome<ApiEvent>> {
  return guardedWrite({ eventId: ev.id, seen: ev, canMerge: true }, (f) =>
    api.PUT('/api/events/{id}', {
      params: { path: { id: ev.id }, query: { check_conflicts: f.checkConflicts } },
      headers: lockHeaders(f, ev.version),
      body: (f.mode === 'merge' ? { ...body, base_version: ev.version } : body) as never, // see createEvent
    }),
  );
}

/** PUT /api/events/{id}/occurrences/{original_start}; `following` splits the series there. */
export function updateOccurrence(ev: ApiEvent, originalStart: string, body: OccurrenceUpdate, scope: 'this' | 'following'): Promise<Outcome<unknown>> {
  return guardedWrite({ eventId: ev.id, seen: ev, canMerge: false }, (f) =>
    api.PUT('/api/events/{id}/occurrences/{occurrence_start}', {
      params: { path: { id: ev.id, occurrence_start: originalStart }, query: { scope, check_conflicts: f.checkConflicts } },
      headers: lockHeaders(f, ev.version),
      body,
    }),
  );
}

/** POST /api/events/{id}/rollback/{v}, guarded like an update. */
export function rollback(ev: ApiEvent, version: number): Promise<Outcome<ApiEvent>> {
  return guardedWrite({ eventId: ev.id, seen: ev, canMerge: false }, (f) =>
    api.POST('/api/events/{id}/rollback/{versionId}', {
      params: { path: { id: ev.id, versionId: version }, query: { check_conflicts: f.checkConflicts } },
      headers: lockHeaders(f, ev.version),
    }),
  );
}

const shift = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
const sameInstant = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();

/**
 * Applies an edit made on one occurrence of a series, after asking its scope. "All events" moves
 * the whole series by as much as this occurrence moved; "This and following" at the first
 * occurrence is the whole series too (the API has nothing to split there).
 */
export async function editOccurrence(ev: ApiEvent, occ: Occurrence, next: OccurrenceUpdate & { start_time: string; end_time: string }, series: EventUpdate = {}): Promise<Outcome<unknown> | null> {
  const scope = await askScope();
  if (!scope) return null;
  const atFirst = sameInstant(occ.originalStart, ev.start_time);
  if (scope === 'this' || (scope === 'following' && !atFirst)) return updateOccurrence(ev, occ.originalStart, next, scope);
  const dStart = new Date(next.start_time).getTime() - new Date(occ.start).getTime();
  const dEnd = new Date(next.end_time).getTime() - new Date(occ.end).getTime();
  const { start_time: _s, end_time: _e, ...fields } = next;
  return updateSeries(ev, { ...fields, ...series, start_time: shift(ev.start_time, dStart), end_time: shift(ev.end_time, dEnd) });
}
