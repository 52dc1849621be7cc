import { conflict } from './errors.js';
import { applyInput, fromSnapshot, toSnapshot, type EventDraft, type EventInput } from './event-draft.js';
import { changedFields, jsonEqual, type Snapshot, type SnapshotField } from './event-snapshot.js';

const INPUT_FIELDS = ['title', 'description', 'location', 'start_time', 'end_time', 'timezone', 'is_recurring', 'recurrence_pattern', 'all_day'] as const;

/**
 * Fields that users other than `actorId` changed along a run of consecutive versions (oldest
 * first, starting at the base version): the caller's own edits since the base are not "theirs".
 */
export function fieldsChangedByOthers(versions: { data: string; created_by: number }[], actorId: number): Set<SnapshotField> {
  const out = new Set<SnapshotField>();
  for (let i = 1; i < versions.length; i++) {
    if (versions[i].created_by === actorId) continue;
    for (const f of changedFields(JSON.parse(versions[i - 1].data), JSON.parse(versions[i].data))) out.add(f);
  }
  return out;
}

/**
 * Three-way merge of an edit made against `base` onto the current state (`theirs`).
 * For each field the request sends: unchanged from base by the request → theirs wins (it is
 * dropped); changed by the request but not by anyone else → applied; changed by the request and
 * by another user (`othersChanged`) to different values → conflict. The caller's own edits since
 * the base never conflict: the request's value wins. Throws CONFLICT with
 * `conflicts: [{field, base, theirs, yours}]`; otherwise returns the input to apply on top of theirs.
 */
export function threeWayMerge(base: Snapshot, theirsDraft: EventDraft, yours: EventInput, othersChanged?: Set<SnapshotField>): EventInput {
  const theirs = toSnapshot(theirsDraft);
  // Normalise the request the same way a write would (time formats, pattern forms).
  const yoursSnap = toSnapshot(applyInput(fromSnapshot(base), yours));
  const out: EventInput = {};
  const conflicts: { field: SnapshotField; base: unknown; theirs: unknown; yours: unknown }[] = [];
  for (const f of INPUT_FIELDS) {
    if (yours[f] === undefined) continue;
    const mineChanged = !jsonEqual(yoursSnap[f], base[f]);
    if (!mineChanged) continue;
    const theirsChanged = !jsonEqual(theirs[f], base[f]) && (othersChanged === undefined || othersChanged.has(f));
    if (theirsChanged && !jsonEqual(theirs[f], yoursSnap[f])) {
      conflicts.push({ field: f, base: base[f], theirs: theirs[f], yours: yoursSnap[f] });
      continue;
    }
    (out as Record<string, unknown>)[f] = yours[f];
  }
  if (conflicts.length) throw conflict('Your edit conflicts with changes made since your base version', { conflicts });
  return out;
}
