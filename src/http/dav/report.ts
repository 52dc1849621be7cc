import { AppError } from '../../domain/errors.js';
import { expandOccurrences, overlapsWindow } from '../../domain/recurrence-expand.js';
import { seriesOf, uidOf, type DavObject } from '../../services/dav.service.js';
import { depthOf, sendMultistatus, xmlBody, type DavCtx } from './context.js';
import { DavError, precondition } from './errors.js';
import { freeBusy } from './free-busy.js';
import { multistatus, propNames, propResponse, statusResponse, type PropName } from './multistatus.js';
import { href, hrefPath, parseDavPath } from './paths.js';
import { resolveProps } from './props.js';
import { davResourceCtx } from './resources.js';
import { child, children, d, NS, type XmlEl } from './xml.js';

const MIN = Date.UTC(1900, 0, 1);
const MAX = Date.UTC(9999, 0, 1);
/** Most hrefs one multiget may name. */
export const MAX_MULTIGET = 5000;

/** An iCalendar UTC date-time (`20260101T090000Z`) as epoch ms; 400 when malformed. */
export function icalUtc(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(v.trim());
  if (!m) throw new DavError(400, `Invalid time-range value "${v.slice(0, 40)}" (use 20260101T000000Z)`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return Math.min(MAX, Math.max(MIN, ms));
}

function range(tr: XmlEl | undefined): { start: number; end: number } | null {
  if (!tr) return null;
  const start = icalUtc(tr.attrs.start, MIN);
  const end = icalUtc(tr.attrs.end, MAX);
  if (end <= start) throw new DavError(400, 'time-range end must be after its start');
  return { start, end };
}

/** Whether an event has an instance overlapping the range (cost follows the window, not the series). */
function hasInstance(o: DavObject, r: { start: number; end: number }): boolean {
  if (!o.row.rrule) return overlapsWindow(o.row.start_time, o.row.end_time, r.start, r.end);
  try {
    return expandOccurrences(seriesOf(o), r.start, r.end, 1).length > 0;
  } catch (err) {
    if (err instanceof RangeError) return true; // more than one instance: certainly one
    throw err;
  }
}

/** RFC 4791 §9.7.5 text-match: substring (or equals/starts-with/ends-with), case-insensitive unless i;octet. */
function textMatch(value: string, tm: XmlEl): boolean {
  const octet = tm.attrs.collation === 'i;octet';
  const a = octet ? value : value.toLowerCase();
  const b = octet ? tm.text : tm.text.toLowerCase();
  const how = tm.attrs['match-type'] ?? 'contains';
  const hit = how === 'equals' ? a === b : how === 'starts-with' ? a.startsWith(b) : how === 'ends-with' ? a.endsWith(b) : a.includes(b);
  return tm.attrs['negate-condition'] === 'yes' ? !hit : hit;
}

const PROP_VALUES: Record<string, (o: DavObject) => string | null> = {
  UID: (o) => uidOf(o.row),
  SUMMARY: (o) => o.row.title,
  DESCRIPTION: (o) => o.row.description || null,
  LOCATION: (o) => o.row.location || null,
  RRULE: (o) => o.row.rrule,
};

/** The VEVENT comp-filter's conditions (time-range, prop-filters) applied to one object. */
function matches(o: DavObject, vevent: XmlEl): boolean {
  const r = range(child(vevent, NS.CALDAV, 'time-range'));
  if (r && !hasInstance(o, r)) return false;
  for (const pf of children(vevent, NS.CALDAV, 'prop-filter')) {
    const get = PROP_VALUES[(pf.attrs.name ?? '').toUpperCase()];
    const value = get ? get(o) : null;
    if (child(pf, NS.CALDAV, 'is-not-defined')) {
      if (value !== null) return false;
      continue;
    }
    if (value === null) return false;
    const tm = child(pf, NS.CALDAV, 'text-match');
    if (tm && !textMatch(value, tm)) return false;
  }
  return true;
}

function wantedProps(report: XmlEl): { names: PropName[] | 'allprop'; expand: { start: number; end: number } | null } {
  const prop = child(report, NS.DAV, 'prop');
  if (!prop) return { names: 'allprop', expand: null };
  const expand = range(child(child(prop, NS.CALDAV, 'calendar-data'), NS.CALDAV, 'expand'));
  return { names: propNames(prop), expand };
}

async function respond(ctx: DavCtx, objs: DavObject[], report: XmlEl, extra: ReturnType<typeof statusResponse>[] = [], tail: ReturnType<typeof d>[] = []) {
  const { names, expand } = wantedProps(report);
  const pctx = davResourceCtx(ctx, expand);
  const out = [];
  for (const o of objs) {
    const { found, missing } = await resolveProps(pctx, { kind: 'object', href: href.object(ctx.user.username, o.name), obj: o }, names);
    out.push(propResponse(href.object(ctx.user.username, o.name), found, [{ code: 404, props: missing }]));
  }
  return sendMultistatus(ctx.reply, multistatus([...out, ...extra], tail));
}

async function calendarQuery(ctx: DavCtx, report: XmlEl) {
  const vcal = child(child(report, NS.CALDAV, 'filter'), NS.CALDAV, 'comp-filter');
  if (!vcal || (vcal.attrs.name ?? '').toUpperCase() !== 'VCALENDAR') throw new DavError(403, 'calendar-query needs a VCALENDAR comp-filter', { ns: NS.CALDAV, name: 'valid-filter' });
  const comp = child(vcal, NS.CALDAV, 'comp-filter');
  if (comp && (comp.attrs.name ?? '').toUpperCase() !== 'VEVENT') return respond(ctx, [], report); // only VEVENTs here
  const r = comp ? range(child(comp, NS.CALDAV, 'time-range')) : null;
  const pool = r ? await ctx.c.dav.candidates(ctx.user.userId, r.start, r.end) : await ctx.c.dav.objects(ctx.user.userId);
  return respond(ctx, comp ? pool.filter((o) => matches(o, comp)) : pool, report);
}

async function multiget(ctx: DavCtx, report: XmlEl) {
  const hrefs = children(report, NS.DAV, 'href').map((h) => h.text.trim());
  if (hrefs.length > MAX_MULTIGET) throw new DavError(403, `At most ${MAX_MULTIGET} hrefs per multiget`);
  const names = hrefs.map((h) => {
    const p = hrefPath(h);
    let t;
    try {
      t = p ? parseDavPath(p) : null;
    } catch {
      t = null;
    }
    return t && t.kind === 'object' && t.user.toLowerCase() === ctx.user.username.toLowerCase() ? t.name : null;
  });
  const all = await ctx.c.dav.objectsByNames(ctx.user.userId, names.filter((n): n is string => n !== null));
  const found: DavObject[] = [];
  const missing = [];
  for (let i = 0; i < hrefs.length; i++) {
    const n = names[i];
    const o = n === null ? null : (all.get(n) ?? null);
    if (o) found.push(o);
    else missing.push(statusResponse(hrefs[i], 404));
  }
  return respond(ctx, found, report, missing);
}

/** The client's DAV:limit (RFC 6578 §3.7, RFC 5323 nresults), or undefined; 400 unless a positive integer. */
function nresults(report: XmlEl): number | undefined {
  const limit = child(report, NS.DAV, 'limit');
  if (!limit) return undefined;
  const raw = child(limit, NS.DAV, 'nresults')?.text.trim() ?? '';
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw new DavError(400, 'DAV:limit needs a DAV:nresults that is a positive integer');
  return Number(raw);
}

async function syncCollection(ctx: DavCtx, report: XmlEl) {
  if (ctx.target.kind !== 'collection') throw new DavError(403, 'sync-collection works on the calendar collection', { ns: NS.DAV, name: 'supported-report' });
  const token = child(report, NS.DAV, 'sync-token')?.text.trim() || null;
  let res;
  try {
    res = await ctx.c.dav.sync(ctx.user.userId, token, nresults(report));
  } catch (err) {
    if (err instanceof AppError && err.code === 'GONE') throw precondition.validSyncToken();
    throw err;
  }
  const u = ctx.user.username;
  const removed = res.removed.map((n) => statusResponse(href.object(u, n), 404));
  if (res.truncated) removed.push(statusResponse(href.collection(u), 507));
  return respond(ctx, res.changed, report, removed, [d('sync-token', res.token)]);
}

/** REPORT: calendar-query, calendar-multiget, sync-collection (RFC 6578) and free-busy-query. */
export async function handleReport(ctx: DavCtx) {
  depthOf(ctx.req, '0'); // validated; sync-collection is tolerant of Depth: 1 (RFC 6578 says 0)
  const report = xmlBody(ctx.req);
  if (!report) throw new DavError(400, 'REPORT needs an XML body');
  const onCollection = ctx.target.kind === 'collection';
  const key = `${report.ns}|${report.name}`;
  if (key === `${NS.DAV}|sync-collection`) return syncCollection(ctx, report);
  if (!onCollection && ctx.target.kind !== 'object') throw new DavError(403, 'This report works on the calendar collection', { ns: NS.DAV, name: 'supported-report' });
  if (key === `${NS.CALDAV}|calendar-query`) return calendarQuery(ctx, report);
  if (key === `${NS.CALDAV}|calendar-multiget`) return multiget(ctx, report);
  if (key === `${NS.CALDAV}|free-busy-query`) {
    const r = range(child(report, NS.CALDAV, 'time-range'));
    if (!r) throw new DavError(400, 'free-busy-query needs a time-range');
    return freeBusy(ctx, r);
  }
  throw new DavError(403, 'Unsupported report', { ns: NS.DAV, name: 'supported-report' });
}
