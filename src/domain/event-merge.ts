import { conflict } from './errors.js';
import { applyInput, fromSnapshot, toSnapshot, type EventDraft, type EventInput } from './event-draft.js';
import { jsonEqual, type Snapshot, type SnapshotField } from './event-snapshot.js';

const INPUT_FIELDS = ['title', 'description', 'location', 'start_time', 'end_time', 'timezone', 'is_recurring', 'recurrence_pattern'] as const;

/**
 * Three-way merge of an edit made against `base` onto the current state (`theirs`).
 * For each field the request sends: unchanged from base by the request → theirs wins (it is
 * dropped); changed by the request but not by anyone else → applied; changed by both to different
 * values → conflict. Throws CONFLICT with `conflicts: [{field, base, theirs, yours}]`; otherwise
 * returns the input to apply on top of theirs.
 */
export function threeWayMerge(base: Snapshot, theirsDraft: EventDraft, yours: EventInput): EventInput {
  const theirs = toSnapshot(theirsDraft);
  // Normalise the request the same way a write would (time formats, pattern forms).
  const yoursSnap = toSnapshot(applyInput(fromSnapshot(base), yours));
  const out: EventInput = {};
  const conflicts: { field: SnapshotField; base: unknown; theirs: unknown; yours: unknown }[] = [];
  for (const f of INPUT_FIELDS) {
    if (yours[f] === undefined) continue;
    const mineChanged = !jsonEqual(yoursSnap[f], base[f]);
    if (!mineChanged) continue;
    const theirsChanged = !jsonEqual(theirs[f], base[f]);
    if (theirsChanged && !jsonEqual(theirs[f], yoursSnap[f])) {
      conflicts.push({ field: f, base: base[f], theirs: theirs[f], yours: yoursSnap[f] });
      continue;
    }
    (out as Record<string, unknown>)[f] = yours[f];
  }
  if (conflicts.length) throw conflict('Your edit conflicts with changes made since your base version', { conflicts });
  return out;
}
