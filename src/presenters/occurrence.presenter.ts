import type { EventRow } from '../db/types.js';
import type { Occurrence } from '../domain/recurrence-expand.js';
import type { Role } from '../domain/roles.js';
import { iso } from '../domain/time.js';
import { presentEvent } from './event.presenter.js';

/** One occurrence as list items show it: the series' fields with the occurrence's times and overrides. */
export function presentOccurrence(row: EventRow, role: Role, o: Occurrence) {
  const base = presentEvent(row, role);
  return {
    ...base,
    ...o.overrides,
    original_start: iso(o.original_start),
    occurrence_start: iso(o.start),
    occurrence_end: iso(o.end),
    is_exception: o.is_exception,
  };
}

export type PresentedOccurrence = ReturnType<typeof presentOccurrence>;
