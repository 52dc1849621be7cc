/*
 * The service's size and time limits, each in one place. Input-size limits of single fields sit in
 * the TypeBox schemas (they are part of the API document); these are the ones code checks.
 */

export const DAY_MS = 86_400_000;

/** The longest span, in days: of one event or occurrence, of a window expanded into occurrences, and
 * how far ahead a series is conflict-checked. 366 so that a leap year fits. */
export const MAX_SPAN_DAYS = 366;
export const MAX_SPAN_MS = MAX_SPAN_DAYS * DAY_MS;

/** Most occurrences one expansion may produce (a listing window, one event's occurrences, a conflict check). */
export const MAX_EXPANDED = 20_000;

/** At most this many clashes are reported for one request. */
export const MAX_REPORTED_CONFLICTS = 100;

/** At most this many overlapping pairs are reported by the conflicts report. */
export const MAX_CONFLICT_PAIRS = 1000;

/** Earliest and latest instants an event may start or end at. */
export const MIN_TIME = Date.UTC(1900, 0, 1);
export const MAX_TIME = Date.UTC(9999, 0, 1);
