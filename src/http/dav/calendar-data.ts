import ICAL from 'ical.js';
import { PRODID, resolveTzid, vtimezoneText } from '../../ical/index.js';

/** The IANA zone a calendar-timezone value (a VCALENDAR with one VTIMEZONE) names, or null. */
export function timezoneFromProperty(text: string): string | null {
  try {
    const comp = new ICAL.Component(ICAL.parse(text.trim()));
    const vtz = comp.name === 'vtimezone' ? comp : comp.getFirstSubcomponent('vtimezone');
    const tzid = vtz?.getFirstPropertyValue('tzid');
    if (!vtz || typeof tzid !== 'string') return null;
    return resolveTzid(tzid, new Map([[tzid, vtz]]));
  } catch {
    return null;
  }
}

/** The calendar-timezone property value for an IANA zone: a VCALENDAR holding its VTIMEZONE. */
export function timezoneData(tz: string): string {
  const block = vtimezoneText(tz) ??
    `BEGIN:VTIMEZONE\r\nTZID:${tz}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:UTC\r\nEND:STANDARD\r\nEND:VTIMEZONE`;
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  cal.addSubcomponent(new ICAL.Component(ICAL.parse(block.trim())));
  return cal.toString() + '\r\n';
}
