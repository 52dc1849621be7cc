/**
 * iCalendar (RFC 5545) mapping — pure, no I/O. Used by the REST export/import/feeds and by CalDAV.
 *
 * Writing:
 * - `eventToCalendar(event | events, {name?}) → string`: one VCALENDAR (VERSION 2.0, PRODID,
 *   CALSCALE, optional X-WR-CALNAME), a VTIMEZONE (timezones-ical-library) per zone used, and per
 *   event its master VEVENT (UID, DTSTAMP = last modification, DTSTART/DTEND with TZID or
 *   VALUE=DATE, SUMMARY, DESCRIPTION, LOCATION, RRULE, RDATE, EXDATE per cancelled occurrence,
 *   CREATED, LAST-MODIFIED, SEQUENCE, then the kept properties) followed by one VEVENT with
 *   RECURRENCE-ID per changed occurrence. CRLF line ends, folded at 75 octets, terminated by CRLF.
 *   Byte-for-byte stable for equal input (no clock is read), so a hash of it can serve as an ETag.
 * - `eventToVevents(event)`: the VEVENT components alone (ical.js `Component`s).
 * - `IcalEvent` is the input shape: uid, title, description, location, start/end (epoch ms),
 *   timezone (IANA), allDay, rrule (canonical, UNTIL in UTC), rdates?, exceptions (Tandem's
 *   OccurrenceException list), created, lastModified, sequence, kept (iCalendar text).
 *
 * Reading:
 * - `parseCalendar(text | bytes, {defaultZone?, maxEvents?}) → {events: ParsedEvent[], errors: ParseError[]}`:
 *   one ParsedEvent per UID — the master VEVENT with its RECURRENCE-ID overrides as `changed`
 *   exceptions (STATUS:CANCELLED overrides and EXDATEs as `cancelled`), RDATEs as `rdates`.
 *   Bytes are unfolded before UTF-8 decoding (folds inside a multi-byte character survive).
 *   TZIDs resolve to IANA via the name itself, Windows names (CLDR table from windows-iana), a
 *   Mozilla-style path or the file's VTIMEZONE X-LIC-LOCATION; an unknown name with a VTIMEZONE
 *   is converted by that definition (one-off events only). UTC one-offs take X-WR-TIMEZONE (or
 *   defaultZone) as their zone; floating times and dates are read in it. UNTIL becomes UTC.
 *   Errors carry the VEVENT index (0-based, among the file's VEVENTs), the UID and a reason.
 *   Throws NotICalendarError (not iCalendar) and TooManyEventsError (over maxEvents).
 *   Field validation (lengths, rule support, durations) is the caller's job.
 *
 * Zones: `resolveTzid(tzid, fileZones?)`, `vtimezoneText(iana)`.
 * Kept properties: `extractKept(vevent)`, `applyKept(vevent, text)`, `MODELLED` (what is not kept).
 */
export { eventToCalendar, eventToCalendarAsync, eventToVevents, PRODID } from './write.js';
export { parseCalendar, parseCalendarAsync, unfoldBytes } from './parse.js';
export { resolveTzid, vtimezoneText } from './zones.js';
export { applyKept, extractKept, MODELLED } from './kept.js';
export { NotICalendarError, TooManyEventsError, type IcalEvent, type ParsedEvent, type ParseError, type ParseOptions, type WriteOptions } from './types.js';
