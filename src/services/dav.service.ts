import type { DbHandle } from '../db/connection.js';
import type { EventRow } from '../db/types.js';
import { AppError } from '../domain/errors.js';
import { isValidTimeZone, type SeriesInput } from '../domain/recurrence-expand.js';
import { toSeries } from '../domain/event-draft.js';
import type { Role } from '../domain/roles.js';
import { eventEtag } from '../presenters/event.presenter.js';
import { presentPermissions } from '../presenters/permission.presenter.js';
import { draftFromRow, eventsRepository } from '../repositories/events.repository.js';
import { davRepository } from '../repositories/dav.repository.js';
import { syncRepository } from '../repositories/sync.repository.js';
import type { UnitOfWork } from './unit-of-work.js';
import { decodeCursor, encodeCursor, syncWatermark, SYNC_PAGE_SIZE } from './sync.service.js';

/** An event as a calendar object of one user's collection: its row, the user's role, resource name and ETag. */
export interface DavObject {
  row: EventRow;
  role: Role;
  name: string;
  etag: string;
}

/** Sync-collection answers at most this many pages of changes at once; the rest follows a 507 truncation. */
const MAX_SYNC_PAGES = 20;
const TOKEN_PREFIX = 'http://tandem.invalid/ns/sync/';

/** The object's recurrence series: what time-range matching and free-busy expand. */
export function seriesOf(o: DavObject): SeriesInput {
  return toSeries(draftFromRow(o.row));
}

/** The UID of an event row. */
export function uidOf(row: EventRow): string {
  return row.uid;
}

/** The name of an event's resource: the one a client chose when it PUT it, else `<uid>.ics`. */
export function nameOf(row: EventRow, names: Map<number, string>): string {
  return names.get(row.id) ?? `${uidOf(row)}.ics`;
}

/** A canonical IANA zone name, or null. */
export function canonicalZone(tz: string): string | null {
  if (!isValidTimeZone(tz)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

export interface DavSyncResult {
  changed: DavObject[];
  removed: string[];
  token: string;
  truncated: boolean;
}

/**
 * The read side of CalDAV: one calendar per user holding every live event they hold a role on,
 * its settings (calendar-timezone), its ctag and sync tokens (built on the REST sync cursors and
 * change log), and the ETags, which are the REST ETags of the same user.
 */
export function createDavService(deps: { handle: DbHandle; write: UnitOfWork }) {
  const { handle, write } = deps;
  const { db } = handle;

  async function toObjects(rows: (EventRow & { role: string | null })[]): Promise<DavObject[]> {
    const ids = rows.map((r) => r.id);
    const [names, perms] = await Promise.all([davRepository.names(db, ids), davRepository.permissions(db, ids)]);
    return rows.map((r) => {
      const { role, ...row } = r;
      return {
        row: row as EventRow,
        role: role as Role,
        name: nameOf(row as EventRow, names),
        etag: eventEtag(r.version, role as Role, presentPermissions(perms.get(r.id) ?? [])),
      };
    });
  }

  return {
    toObjects,

    /** The collection's calendar-timezone (UTC until the user sets one). */
    async timezone(userId: number): Promise<string> {
      return (await davRepository.timezone(db, userId)) ?? 'UTC';
    },

    /** Sets calendar-timezone to an IANA zone (stored canonical); throws VALIDATION_ERROR for an unknown zone. */
    async setTimezone(userId: number, tz: string, ip: string | null): Promise<string> {
      const zone = canonicalZone(tz.trim());
      if (!zone) throw new AppError('VALIDATION_ERROR', 'calendar-timezone must name an IANA time zone', { errors: [{ field: 'calendar-timezone', message: 'unknown zone' }] });
      await write(userId, { audit: { action: 'dav.set_timezone', ip, details: { timezone: zone } } }, ({ trx, now }) => davRepository.setTimezone(trx, userId, zone, now));
      return zone;
    },

    /** Changes whenever anything in the user's calendar changes (an event, a role, access lost). */
    async ctag(userId: number): Promise<string> {
      return `"c${await davRepository.lastChangeFor(db, userId)}"`;
    },

    /** A sync token naming the current state (the REST sync cursor at the change-log watermark). */
    async syncToken(): Promise<string> {
      const now = Date.now();
      return TOKEN_PREFIX + encodeCursor({ id: await syncWatermark(handle, 0, now), ts: now });
    },

    /** Every object of the user's calendar. */
    async objects(userId: number): Promise<DavObject[]> {
      const out: DavObject[] = [];
      for (let after = 0; ; ) {
        const rows = await syncRepository.liveEvents(db, userId, after, SYNC_PAGE_SIZE);
        out.push(...(await toObjects(rows)));
        if (rows.length < SYNC_PAGE_SIZE) return out;
        after = rows[rows.length - 1].id;
      }
    },

    /** These events as objects of the user's calendar (live ones the user holds a role on only). */
    async objectsByIds(userId: number, ids: number[]): Promise<DavObject[]> {
      const rows = await syncRepository.eventsWithRole(db, userId, ids);
      return toObjects(rows.filter((r) => r.role !== null && r.deleted_at === null));
    },

    /** The object of the user's calendar with this resource name, or null. */
    async objectByName(userId: number, name: string): Promise<DavObject | null> {
      let ids = await davRepository.idsByName(db, userId, name);
      if (!ids.length && name.endsWith('.ics')) ids = await davRepository.idsByUid(db, userId, name.slice(0, -4));
      const objs = await this.objectsByIds(userId, ids);
      return objs.find((o) => o.name === name) ?? null;
    },

    /** The objects of the user's calendar with these resource names (those that exist), by name. */
    async objectsByNames(userId: number, names: string[]): Promise<Map<string, DavObject>> {
      const wanted = new Set(names);
      const uids = names.filter((n) => n.endsWith('.ics')).map((n) => n.slice(0, -4));
      const ids = await davRepository.idsByNamesOrUids(db, userId, names, uids);
      const objs = await this.objectsByIds(userId, ids);
      return new Map(objs.filter((o) => wanted.has(o.name)).map((o) => [o.name, o]));
    },

    /** Live events of the user's calendar whose span can overlap [ws, we) (refine recurring ones by occurrence). */
    async candidates(userId: number, ws: number, we: number): Promise<DavObject[]> {
      return toObjects(await eventsRepository.listForUser(db, { userId, windowStart: ws, windowEnd: we }));
    },

    /**
     * RFC 6578 sync: without a token every object; with one, what changed since and the names of
     * objects deleted or no longer shared. Throws DAV_SYNC_TOKEN (as GONE) for an unknown or stale token.
     */
    async sync(userId: number, token: string | null): Promise<DavSyncResult> {
      const now = Date.now();
      if (!token) {
        const id = await syncWatermark(handle, 0, now);
        return { changed: await this.objects(userId), removed: [], token: TOKEN_PREFIX + encodeCursor({ id, ts: now }), truncated: false };
      }
      if (!token.startsWith(TOKEN_PREFIX)) throw new AppError('GONE', 'Unknown sync token');
      const cur = decodeCursor(token.slice(TOKEN_PREFIX.length), now);
      if (cur.after !== undefined || cur.id > (await syncRepository.maxChangeId(db))) throw new AppError('GONE', 'Unknown sync token');
      const safe = cur.resume ?? (await syncWatermark(handle, cur.id, now));
      const changed: DavObject[] = [];
      const removed: string[] = [];
      let from = cur.id;
      for (let page = 0; page < MAX_SYNC_PAGES; page++) {
        const groups = await syncRepository.changedEvents(db, userId, from, SYNC_PAGE_SIZE);
        const rows = await syncRepository.eventsWithRole(db, userId, groups.map((g) => g.event_id));
        const live = rows.filter((r) => r.role !== null && r.deleted_at === null);
        changed.push(...(await toObjects(live)));
        const gone = rows.filter((r) => r.role === null || r.deleted_at !== null);
        const names = await davRepository.names(db, gone.map((r) => r.id));
        removed.push(...gone.map((r) => nameOf(r, names)));
        if (groups.length < SYNC_PAGE_SIZE) return { changed, removed, token: TOKEN_PREFIX + encodeCursor({ id: safe, ts: now }), truncated: false };
        from = groups[groups.length - 1].last_id;
      }
      return { changed, removed, token: TOKEN_PREFIX + encodeCursor({ id: from, ts: now, resume: safe }), truncated: true };
    },
  };
}

export type DavService = ReturnType<typeof createDavService>;
