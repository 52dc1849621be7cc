import { expandedText, objectText } from '../../services/dav-ical.js';
import type { DavObject } from '../../services/dav.service.js';
import type { DavCtx } from './context.js';
import { DavError } from './errors.js';
import { timezoneData } from './calendar-data.js';
import type { PropCtx } from './props.js';

/** The calendar object a resource name names in the caller's calendar, or null. */
export async function objectFor(ctx: DavCtx, name: string): Promise<DavObject | null> {
  return ctx.c.dav.objectByName(ctx.user.userId, name);
}

/** The property context of a request; `expand` makes calendar-data the expanded instances of that window. */
export function davResourceCtx(ctx: DavCtx, expand: { start: number; end: number } | null): PropCtx {
  return {
    user: ctx.user,
    dav: ctx.c.dav,
    maxResourceSize: ctx.c.config.bodyLimitBytes,
    memo: new Map(),
    timezoneData,
    async calendarData(o: DavObject) {
      if (!expand) return objectText(o.row);
      try {
        return expandedText(o.row, expand.start, expand.end);
      } catch (err) {
        if (err instanceof RangeError) throw new DavError(403, 'The expand window holds too many instances; narrow it', { ns: 'urn:ietf:params:xml:ns:caldav', name: 'max-instances' });
        throw err;
      }
    },
  };
}
