import ICAL from 'ical.js';
import { PRODID } from '../../ical/index.js';
import { expandOccurrences } from '../../domain/recurrence-expand.js';
import { MAX_SPAN_DAYS, MAX_SPAN_MS } from '../../domain/limits.js';
import { seriesOf } from '../../services/dav.service.js';
import type { DavCtx } from './context.js';
import { DavError } from './errors.js';

/** Longest free-busy window. */
const MAX_PERIODS = 20_000;

const utc = (ms: number) => ICAL.Time.fromJSDate(new Date(ms), true);

/**
 * free-busy-query (RFC 4791 §7.10): a VFREEBUSY with the busy periods of the caller's events in
 * the range, overlapping ones merged. All-day events are free time (as for conflicts).
 */
export async function freeBusy(ctx: DavCtx, r: { start: number; end: number }) {
  if (r.end - r.start > MAX_SPAN_MS) throw new DavError(403, `The free-busy window may span at most ${MAX_SPAN_DAYS} days`, { ns: 'urn:ietf:params:xml:ns:caldav', name: 'max-date-time' });
  const objs = await ctx.c.dav.candidates(ctx.user.userId, r.start, r.end);
  const periods: [number, number][] = [];
  for (const o of objs) {
    if (o.row.all_day === 1) continue;
    let occ;
    try {
      occ = expandOccurrences(seriesOf(o), r.start, r.end, MAX_PERIODS);
    } catch (err) {
      if (err instanceof RangeError) throw new DavError(403, 'Too many busy periods in the window; narrow it');
      throw err;
    }
    for (const x of occ) periods.push([Math.max(x.start, r.start), Math.min(x.end, r.end)]);
    if (periods.length > MAX_PERIODS) throw new DavError(403, 'Too many busy periods in the window; narrow it');
  }
  periods.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const p of periods) {
    const last = merged[merged.length - 1];
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else merged.push([...p]);
  }
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  const fb = new ICAL.Component('vfreebusy');
  fb.addPropertyWithValue('dtstamp', utc(Date.now()));
  fb.addPropertyWithValue('dtstart', utc(r.start));
  fb.addPropertyWithValue('dtend', utc(r.end));
  for (const [s, e] of merged) {
    const p = new ICAL.Property('freebusy');
    p.setParameter('fbtype', 'BUSY');
    p.setValue(ICAL.Period.fromData({ start: utc(s), end: utc(e), duration: undefined } as never));
    fb.addProperty(p);
  }
  cal.addSubcomponent(fb);
  return ctx.reply.status(200).header('content-type', 'text/calendar; charset=utf-8').send(cal.toString() + '\r\n');
}
