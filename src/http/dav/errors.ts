import { NS, el, writeXml, type OutEl } from './xml.js';

/**
 * A WebDAV failure: a status, and for a failed precondition (RFC 4918 §16) the element naming it,
 * sent as a `<d:error>` body.
 */
export class DavError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly condition?: { ns: string; name: string },
  ) {
    super(message);
  }

  body(): string {
    const kids: OutEl[] = [];
    if (this.condition) kids.push(el(this.condition.ns, this.condition.name));
    kids.push(el('http://tandem.invalid/ns/', 'message', this.message));
    return writeXml(el(NS.DAV, 'error', kids));
  }
}

export const precondition = {
  validSyncToken: (m = 'The sync token is unknown or expired; sync again without one') => new DavError(403, m, { ns: NS.DAV, name: 'valid-sync-token' }),
  noUidConflict: (m: string) => new DavError(403, m, { ns: NS.CALDAV, name: 'no-uid-conflict' }),
  supportedComponent: (m = 'Only VEVENT calendar objects are accepted') => new DavError(403, m, { ns: NS.CALDAV, name: 'supported-calendar-component' }),
  validObject: (m: string) => new DavError(403, m, { ns: NS.CALDAV, name: 'valid-calendar-object-resource' }),
  validData: (m = 'The body is not valid iCalendar data') => new DavError(403, m, { ns: NS.CALDAV, name: 'valid-calendar-data' }),
  needPrivilege: (m = 'Your role on this event does not allow this') => new DavError(403, m, { ns: NS.DAV, name: 'need-privileges' }),
};
