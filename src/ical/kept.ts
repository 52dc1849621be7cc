/**
 * What Tandem does not model, kept per event as iCalendar text (a VEVENT holding only those
 * properties and components, e.g. VALARM, ATTENDEE, ORGANIZER, CATEGORIES, COLOR, URL, X-…) and
 * written back on export.
 */
import ICAL from 'ical.js';

/** VEVENT properties Tandem maps to its own fields (or regenerates on export). */
export const MODELLED = new Set([
  'uid', 'dtstamp', 'dtstart', 'dtend', 'duration', 'summary', 'description', 'location', 'rrule', 'rdate', 'exdate',
  'exrule', 'recurrence-id', 'created', 'last-modified', 'sequence', 'x-tandem-timezone',
]);

/** The kept part of a VEVENT as iCalendar text ('' when there is nothing to keep). */
export function extractKept(vevent: ICAL.Component): string {
  const props = vevent.getAllProperties().filter((p) => !MODELLED.has(p.name));
  const comps = vevent.getAllSubcomponents();
  if (!props.length && !comps.length) return '';
  const holder = new ICAL.Component('vevent');
  for (const p of props) holder.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(p.toJSON()))));
  for (const c of comps) holder.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(c.toJSON()))));
  return holder.toString() + '\r\n';
}

/** Adds the kept properties and components to a VEVENT being written. Unreadable text adds nothing. */
export function applyKept(vevent: ICAL.Component, kept: string): void {
  if (!kept) return;
  let holder: ICAL.Component;
  try {
    holder = new ICAL.Component(ICAL.parse(kept));
  } catch {
    return;
  }
  // Copies, so the holder is never mutated while it is walked.
  for (const p of holder.getAllProperties()) vevent.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(p.toJSON()))));
  for (const c of holder.getAllSubcomponents()) vevent.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(c.toJSON()))));
}
