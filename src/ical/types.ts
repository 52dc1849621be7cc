import type { EventDraft } from '../domain/event-draft.js';

/**
 * The event model's own fields, on both sides of the mapping: times are epoch ms, `timezone` an
 * IANA name; with `allDay` start/end are local midnights in that zone.
 */
type EventFields = Pick<EventDraft, 'uid' | 'title' | 'description' | 'location' | 'start' | 'end' | 'timezone' | 'allDay' | 'exceptions'>;

/** An event as iCalendar export needs it (the Tandem side of the mapping). */
export interface IcalEvent extends EventFields {
  /** Canonical RRULE text (UNTIL in UTC), or null. */
  rrule: string | null;
  /** Extra occurrence starts (RDATE), epoch ms; empty or absent when none. */
  rdates?: number[];
  created: number;
  lastModified: number;
  sequence: number;
  /** iCalendar text of the properties and components Tandem does not model ('' when none). */
  kept: string;
}

/** One event read from a file: a master VEVENT with its RECURRENCE-ID overrides folded in. */
export interface ParsedEvent extends EventFields {
  /** Position (0-based) of the event's first VEVENT among the file's VEVENTs. */
  index: number;
  /** The RRULE text as read, or null. EXDATEs and STATUS:CANCELLED overrides are cancelled `exceptions`, other overrides changed ones (sorted by original_start). */
  rrule: string | null;
  rdates: number[];
  /** SEQUENCE of the master, null when absent. */
  sequence: number | null;
  kept: string;
}

/** A VEVENT (group) that could not be read; `uid` is null when the VEVENT had none. */
export interface ParseError {
  index: number;
  uid: string | null;
  reason: string;
}

export interface ParseOptions {
  /**
   * Zone for floating times and all-day dates when the file names none (X-WR-TIMEZONE wins over
   * it when valid). Default UTC.
   */
  defaultZone?: string;
  /** At most this many VEVENTs are read; more → a TooManyEventsError. */
  maxEvents?: number;
}

export interface WriteOptions {
  /** X-WR-CALNAME of the calendar (a feed's name). */
  name?: string;
}

/** The file holds more VEVENTs than ParseOptions.maxEvents. */
export class TooManyEventsError extends Error {
  constructor(readonly count: number, readonly max: number) {
    super(`the calendar holds ${count} VEVENTs; at most ${max} are accepted per import`);
  }
}

/** The text is not iCalendar at all (no VCALENDAR, or ical.js cannot parse it). */
export class NotICalendarError extends Error {}
