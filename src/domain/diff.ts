import { diffWordsWithSpace } from 'diff';
import { jsonEqual, SNAPSHOT_FIELDS, type Snapshot, type SnapshotField } from './event-snapshot.js';

export type SegmentOp = 'equal' | 'insert' | 'delete';

/** One run of a word-level text diff: what stayed, what was added, what was removed. */
export interface Segment {
  op: SegmentOp;
  text: string;
}

/** One field that differs between two snapshots; text fields also carry a word-level diff. */
export interface FieldChange {
  field: SnapshotField;
  from: unknown;
  to: unknown;
  segments?: Segment[];
}

/** Fields whose changes carry word-level `segments` (what a client renders as a visual diff). */
export const TEXT_FIELDS: readonly SnapshotField[] = ['title', 'description'];

/*
 * Myers' diff costs O((N+M)·D): two unrelated 10 000-character descriptions would take far too
 * long for a request. Past these bounds the diff falls back to "all deleted, all inserted", which
 * is still exact (the segments reconstruct both texts), only coarser.
 */
const MAX_EDIT_TOKENS = 1000;
const MAX_DIFF_MS = 100;

/**
 * Word-level diff of two texts (words, punctuation, newlines and runs of spaces are tokens).
 * Concatenating the `equal` and `delete` segments gives `a`; `equal` and `insert` give `b`.
 * Adjacent segments of the same kind are merged and empty ones dropped.
 */
export function wordSegments(a: string, b: string): Segment[] {
  const parts = diffWordsWithSpace(a, b, { maxEditLength: MAX_EDIT_TOKENS, timeout: MAX_DIFF_MS });
  const raw: Segment[] = parts
    ? parts.map((p) => ({ op: p.added ? 'insert' : p.removed ? 'delete' : 'equal', text: p.value }))
    : [{ op: 'delete', text: a }, { op: 'insert', text: b }];
  const out: Segment[] = [];
  for (const s of raw) {
    if (!s.text) continue;
    const last = out[out.length - 1];
    if (last && last.op === s.op) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

/** A deep copy of a JSON value, so a change never aliases the snapshot it came from. */
function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * Field-by-field differences from snapshot `a` to snapshot `b`, in SNAPSHOT_FIELDS order, only the
 * fields that differ (deep equality, key order ignored). `title` and `description` changes carry
 * word-level `segments`. Pure; never throws.
 */
export function diffSnapshots(a: Snapshot, b: Snapshot): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of SNAPSHOT_FIELDS) {
    if (jsonEqual(a[field], b[field])) continue;
    const change: FieldChange = { field, from: clone(a[field]), to: clone(b[field]) };
    if (TEXT_FIELDS.includes(field) && typeof a[field] === 'string' && typeof b[field] === 'string') {
      change.segments = wordSegments(a[field] as string, b[field] as string);
    }
    out.push(change);
  }
  return out;
}

/**
 * Applies a list of field changes to a snapshot and returns the result (the input is not
 * modified): each change sets its field to `to`. `applyChanges(a, diffSnapshots(a, b))` equals `b`.
 * Throws a TypeError for a field that is not a snapshot field.
 */
export function applyChanges(a: Snapshot, changes: FieldChange[]): Snapshot {
  const out = clone(a) as unknown as Record<string, unknown>;
  for (const c of changes) {
    if (!(SNAPSHOT_FIELDS as readonly string[]).includes(c.field)) throw new TypeError(`Not a snapshot field: ${String(c.field)}`);
    out[c.field] = clone(c.to);
  }
  return out as unknown as Snapshot;
}
