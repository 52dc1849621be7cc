/**
 * The properties of each kind of resource (RFC 4918, 3744, 4791, 6578 and the calendarserver ctag):
 * what PROPFIND reports, per resource and from the caller's role.
 */
import type { Role } from '../../domain/roles.js';
import type { BasicPrincipal } from '../../services/basic-auth.service.js';
import type { DavObject, DavService } from '../../services/dav.service.js';
import { href } from './paths.js';
import type { PropName } from './multistatus.js';
import { cal, d, el, NS, type OutEl } from './xml.js';

export type DavResource =
  | { kind: 'root' | 'principals' | 'principal' | 'home' | 'collection'; href: string }
  | { kind: 'object'; href: string; obj: DavObject };

export interface PropCtx {
  user: BasicPrincipal;
  dav: DavService;
  maxResourceSize: number;
  /** Per-request memo of collection-wide values (ctag, token, zone). */
  memo: Map<string, Promise<string>>;
  /** The iCalendar text of an object (with the query's expansion, when there is one). */
  calendarData(o: DavObject): Promise<string>;
  /** The calendar-timezone property value (a VCALENDAR holding the zone's VTIMEZONE). */
  timezoneData(tz: string): string;
}

type Getter = (ctx: PropCtx, r: DavResource) => Promise<OutEl | null> | OutEl | null;

const memo = (ctx: PropCtx, key: string, f: () => Promise<string>) => {
  let p = ctx.memo.get(key);
  if (!p) ctx.memo.set(key, (p = f()));
  return p;
};

const priv = (names: string[]) => names.map((n) => d('privilege', [d(n)]));

/** Privileges from the role: viewers read; editors also write the content; owners everything. */
export function privilegesOf(r: DavResource): string[] {
  if (r.kind === 'collection') return ['read', 'write', 'write-properties', 'write-content', 'bind', 'unbind', 'read-current-user-privilege-set'];
  if (r.kind !== 'object') return ['read', 'read-current-user-privilege-set'];
  const role: Role = r.obj.role;
  if (role === 'OWNER') return ['all', 'read', 'write', 'write-properties', 'write-content', 'unbind', 'read-current-user-privilege-set'];
  if (role === 'EDITOR') return ['read', 'write-content', 'write-properties', 'read-current-user-privilege-set'];
  return ['read', 'read-current-user-privilege-set'];
}

const isCollectionish = (r: DavResource) => r.kind !== 'object';
const httpDate = (ms: number) => new Date(ms).toUTCString();

const REPORTS = [
  [NS.CALDAV, 'calendar-query'],
  [NS.CALDAV, 'calendar-multiget'],
  [NS.DAV, 'sync-collection'],
  [NS.CALDAV, 'free-busy-query'],
] as const;

/** Getters by `ns|name`; a getter returning null means "not defined on this resource" (404 propstat). */
const GETTERS: Record<string, Getter> = {
  [`${NS.DAV}|resourcetype`]: (_c, r) => {
    if (r.kind === 'object') return d('resourcetype', []);
    const kids = [d('collection')];
    if (r.kind === 'principal') kids.push(d('principal'));
    if (r.kind === 'collection') kids.push(cal('calendar'));
    return d('resourcetype', kids);
  },
  [`${NS.DAV}|displayname`]: (c, r) => {
    if (r.kind === 'collection') return d('displayname', 'Tandem');
    if (r.kind === 'principal') return d('displayname', c.user.username);
    if (r.kind === 'object') return d('displayname', r.obj.row.title);
    return null;
  },
  [`${NS.DAV}|current-user-principal`]: (c) => d('current-user-principal', [d('href', href.principal(c.user.username))]),
  [`${NS.DAV}|principal-URL`]: (c, r) => (r.kind === 'principal' ? d('principal-URL', [d('href', href.principal(c.user.username))]) : null),
  [`${NS.DAV}|principal-collection-set`]: () => d('principal-collection-set', [d('href', href.principals())]),
  [`${NS.DAV}|owner`]: (c, r) => (r.kind === 'collection' || r.kind === 'home' ? d('owner', [d('href', href.principal(c.user.username))]) : null),
  [`${NS.CALDAV}|calendar-home-set`]: (c, r) => (r.kind === 'object' ? null : cal('calendar-home-set', [d('href', href.home(c.user.username))])),
  [`${NS.CALDAV}|calendar-user-address-set`]: (c, r) =>
    r.kind === 'principal' ? cal('calendar-user-address-set', [d('href', `mailto:${c.user.email}`), d('href', href.principal(c.user.username))]) : null,
  [`${NS.CALDAV}|calendar-user-type`]: (_c, r) => (r.kind === 'principal' ? cal('calendar-user-type', 'INDIVIDUAL') : null),
  [`${NS.DAV}|current-user-privilege-set`]: (_c, r) => d('current-user-privilege-set', priv(privilegesOf(r))),
  [`${NS.DAV}|supported-report-set`]: (_c, r) =>
    r.kind === 'collection' ? d('supported-report-set', REPORTS.map(([ns, n]) => d('supported-report', [d('report', [el(ns, n)])]))) : null,
  [`${NS.DAV}|getetag`]: async (c, r) => (r.kind === 'object' ? d('getetag', r.obj.etag) : r.kind === 'collection' ? d('getetag', await memo(c, 'ctag', () => c.dav.ctag(c.user.userId))) : null),
  [`${NS.CS}|getctag`]: async (c, r) => (r.kind === 'collection' ? el(NS.CS, 'getctag', await memo(c, 'ctag', () => c.dav.ctag(c.user.userId))) : null),
  [`${NS.DAV}|sync-token`]: async (c, r) => (r.kind === 'collection' ? d('sync-token', await memo(c, 'token', () => c.dav.syncToken())) : null),
  [`${NS.DAV}|getcontenttype`]: (_c, r) =>
    r.kind === 'object' ? d('getcontenttype', 'text/calendar; charset=utf-8; component=vevent') : d('getcontenttype', 'httpd/unix-directory'),
  [`${NS.DAV}|getlastmodified`]: (_c, r) => (r.kind === 'object' ? d('getlastmodified', httpDate(r.obj.row.updated_at)) : null),
  [`${NS.DAV}|creationdate`]: (_c, r) => (r.kind === 'object' ? d('creationdate', new Date(r.obj.row.created_at).toISOString()) : null),
  [`${NS.CALDAV}|supported-calendar-component-set`]: (_c, r) =>
    r.kind === 'collection' ? cal('supported-calendar-component-set', [cal('comp', [], { name: 'VEVENT' })]) : null,
  [`${NS.CALDAV}|supported-calendar-data`]: (_c, r) =>
    r.kind === 'collection' ? cal('supported-calendar-data', [cal('calendar-data', [], { 'content-type': 'text/calendar', version: '2.0' })]) : null,
  [`${NS.CALDAV}|max-resource-size`]: (c, r) => (r.kind === 'collection' ? cal('max-resource-size', String(c.maxResourceSize)) : null),
  [`${NS.CALDAV}|calendar-timezone`]: async (c, r) =>
    r.kind === 'collection' ? cal('calendar-timezone', c.timezoneData(await memo(c, 'tz', () => c.dav.timezone(c.user.userId)))) : null,
  [`${NS.CALDAV}|calendar-timezone-id`]: async (c, r) =>
    r.kind === 'collection' ? cal('calendar-timezone-id', await memo(c, 'tz', () => c.dav.timezone(c.user.userId))) : null,
  [`${NS.CALDAV}|calendar-description`]: (_c, r) => (r.kind === 'collection' ? cal('calendar-description', 'Every event you hold a role on in Tandem') : null),
  [`${NS.CALDAV}|calendar-data`]: async (c, r) => (r.kind === 'object' ? cal('calendar-data', await c.calendarData(r.obj)) : null),
};

/** What `<d:allprop/>` reports (RFC 4918: the live properties; calendar-data only when asked for). */
const ALLPROP = [
  'resourcetype', 'displayname', 'getetag', 'getcontenttype', 'getlastmodified', 'creationdate', 'current-user-principal',
  'current-user-privilege-set', 'supported-report-set', 'sync-token', 'owner',
].map((name) => ({ ns: NS.DAV as string, name })).concat([
  { ns: NS.CS, name: 'getctag' }, { ns: NS.CALDAV, name: 'supported-calendar-component-set' }, { ns: NS.CALDAV, name: 'calendar-home-set' },
]);

/** The properties a resource has, as requested: found ones with values, the others as 404. */
export async function resolveProps(ctx: PropCtx, r: DavResource, names: PropName[] | 'allprop' | 'propname', include: PropName[] = []) {
  const wanted = names === 'allprop' || names === 'propname' ? [...ALLPROP, ...include] : names;
  const found: OutEl[] = [];
  const missing: PropName[] = [];
  for (const p of wanted) {
    const g = GETTERS[`${p.ns}|${p.name}`];
    const v = g ? await g(ctx, r) : null;
    if (v) found.push(names === 'propname' ? el(p.ns, p.name) : v);
    else if (names !== 'allprop' && names !== 'propname') missing.push(p);
  }
  return { found, missing };
}

export { isCollectionish };
