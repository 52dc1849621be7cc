/**
 * Time-zone names in iCalendar files: TZIDs resolved to IANA names (directly, Mozilla-style
 * prefixed paths, Windows names via CLDR's table in windows-iana, or a VTIMEZONE's X-LIC-LOCATION),
 * and generated VTIMEZONE blocks (timezones-ical-library) for export.
 */
import ICAL from 'ical.js';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { findIana } from 'windows-iana';
import { isValidTimeZone } from '../domain/recurrence-zone.js';

const UTC_NAMES = new Set(['utc', 'gmt', 'z', 'etc/utc', 'etc/gmt', 'coordinated universal time', 'greenwich standard time']);

/**
 * The IANA name a TZID stands for, or null. `fileZones` holds the file's own VTIMEZONEs by TZID
 * (their X-LIC-LOCATION is a last resort).
 */
export function resolveTzid(tzid: string, fileZones: Map<string, ICAL.Component> = new Map()): string | null {
  const name = tzid.trim().replace(/^"|"$/g, '');
  if (UTC_NAMES.has(name.toLowerCase())) return 'UTC';
  if (isValidTimeZone(name)) return name;
  // Old Lightning/Sunbird: "/mozilla.org/20050126_1/Europe/Berlin"; some tools "/Europe/Berlin".
  if (name.startsWith('/')) {
    const parts = name.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const candidate = parts.slice(i).join('/');
      if (isValidTimeZone(candidate) && candidate.includes('/')) return candidate;
    }
  }
  const windows = findIana(name);
  if (windows.length && isValidTimeZone(windows[0])) return windows[0];
  const vtz = fileZones.get(name);
  const location = vtz?.getFirstPropertyValue('x-lic-location');
  if (typeof location === 'string' && isValidTimeZone(location)) return location;
  return null;
}

const blocks = new Map<string, string | null>();

/** The VTIMEZONE text for an IANA zone (CRLF lines, no trailing CRLF), or null when the library lacks it. */
export function vtimezoneText(iana: string): string | null {
  if (!blocks.has(iana)) {
    let text: string | null = null;
    try {
      const b = tzlib_get_ical_block(iana);
      text = Array.isArray(b) && typeof b[0] === 'string' && b[0].startsWith('BEGIN:VTIMEZONE') ? b[0] : null;
    } catch {
      text = null;
    }
    blocks.set(iana, text);
  }
  return blocks.get(iana)!;
}

/** A fresh VTIMEZONE component for an IANA zone, or null. */
export function vtimezoneFor(iana: string): ICAL.Component | null {
  const text = vtimezoneText(iana);
  return text ? new ICAL.Component(ICAL.parse(text)) : null;
}
