/**
 * Events as CalDAV calendar objects: the stored row through the shared iCalendar mapping, and the
 * `expand` form of RFC 4791 §9.6.5 (each instance in a window as its own VEVENT in UTC, with
 * RECURRENCE-ID and without RRULE/RDATE/EXDATE).
 */
import ICAL from 'ical.js';
import type { EventRow } from '../db/types.js';
import { eventToCalendar, eventToVevents, PRODID, type IcalEvent } from '../ical/index.js';
import { expandOccurrences } from '../domain/recurrence-expand.js';
import { icalTime } from '../ical/times.js';
import { icalEventOf } from '../presenters/ical.presenter.js';
import { toSeries } from '../domain/event-draft.js';
import { draftFromRow } from '../repositories/events.repository.js';

/** Most instances one object may expand to in a query. */
export const MAX_EXPANDED = 5000;

/** The mapping's input for an event row (shared with the REST export). */
export function rowToIcal(row: EventRow): IcalEvent {
  return icalEventOf(draftFromRow(row), row);
}

/** The calendar object of an event (one VCALENDAR; stable bytes for equal state). */
export function objectText(row: EventRow): string {
  return eventToCalendar(rowToIcal(row));
}

const utc = (ms: number) => ICAL.Time.fromJSDate(new Date(ms), true);

/**
 * The instances of an event overlapping [start, end) as separate UTC VEVENTs. A recurring event's
 * instances carry RECURRENCE-ID (their original start); all-day instances stay dates.
 * Throws RangeError past MAX_EXPANDED instances.
 */
export function expandedText(row: EventRow, start: number, end: number): string {
  const ev = rowToIcal(row);
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  const occurrences = expandOccurrences(toSeries(draftFromRow(row)), start, end, MAX_EXPANDED);
  for (const o of occurrences) {
    const one: IcalEvent = {
      ...ev, ...o.overrides, rrule: null, rdates: [], exceptions: [], start: o.start, end: o.end,
      timezone: ev.allDay ? ev.timezone : 'UTC',
    };
    const [vevent] = eventToVevents(one);
    if (row.rrule) {
      const rid = new ICAL.Property('recurrence-id');
      rid.setValue(ev.allDay ? icalTime(o.original_start, ev.timezone, true) : utc(o.original_start));
      vevent.addProperty(rid);
    }
    cal.addSubcomponent(vevent);
  }
  return cal.toString() + '\r\n';
}
