import type { OccurrenceException } from './recurrence-expand.js';
import type { PresentedPattern } from './recurrence-pattern.js';

/**
 * The event's own fields as a version stores them: what diff, as_of and rollback work on.
 * Not the version number, ids or timestamps.
 */
export interface Snapshot {
  title: string;
  description: string;
  location: string;
  start_time: string;
  end_time: string;
  timezone: string;
  is_recurring: boolean;
  recurrence_pattern: PresentedPattern | null;
  exceptions: OccurrenceException[];
}

/** A snapshot as a version row stores it (JSON); `exceptions` defaults to [] so every version has the same shape. */
export function readSnapshot(data: string): Snapshot {
  const s = JSON.parse(data) as Snapshot;
  return { ...s, exceptions: s.exceptions ?? [] };
}

export const SNAPSHOT_FIELDS = [
  'title',
  'description',
  'location',
  'start_time',
  'end_time',
  'timezone',
  'is_recurring',
  'recurrence_pattern',
  'exceptions',
] as const satisfies readonly (keyof Snapshot)[];

export type SnapshotField = (typeof SNAPSHOT_FIELDS)[number];

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** The snapshot fields whose values differ between two snapshots, in the canonical order. */
export function changedFields(a: Snapshot, b: Snapshot): SnapshotField[] {
  return SNAPSHOT_FIELDS.filter((f) => !jsonEqual(a[f], b[f]));
}
