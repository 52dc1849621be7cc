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
import { decodeCursor, encodeCursor, syncWatermark, SYNC_PAGE_SIZE, type SyncCursor } from './sync.service.js';

/** An event as a calendar object of one user's collection: its row, the user's role, resource name and ETag. */
export interface DavObject {
  row: EventRow;
  role: Role;
  name: string;
  etag: string;
}

/**
 * Sync-collection answers at most this many results at once (a client's DAV:limit can only lower
 * it); the rest follows a 507 truncation entry. A DAV:limit above it is not an error: RFC 6578 §3.7
 * only requires number-of-matches-within-limits when the server cannot truncate at or below the
 * client's limit, and truncating at this cap does stay below it.
 */
export const MAX_SYNC_RESULTS = 20 * SYNC_PAGE_SIZE;
const TOKEN_PREFIX = 'http://tandem.invalid/ns/sync/';

/** The object's recurrence series: what time-range matching and free-busy expand. */
export function seriesOf(o: DavObject): SeriesInput {
  return toSeries(draftFromRow(o.row));
}

/** The UID of an event row. */
export function uidOf(row: EventRow): string {
  return row.uid;
}

/** The plain name of an event's resource: the one a client chose when it PUT it, else `<uid>.ics`. */
export function nameOf(row: { id: number; uid: string }, names: Map<number, string>): string {
  return names.get(row.id) ?? `${row.uid}.ics`;
}

/** The name of an event whose plain name another of the user's events holds: `<base>~<eventId>.ics`. */
export function suffixedName(base: string, eventId: number): string {
  return `${base.replace(/\.ics$/i, '')}~${eventId}.ics`;
}

/** The event id a suffixed name carries (`…~<id>.ics`), or null. */
export function idOfSuffixed(name: string): number | null {
  const m = /~(\d{1,15})\.ics$/.exec(name);
  return m ? Number(m[1]) : null;
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

  /**
   * The names of these events in the user's calendar. Two events may share a plain name there (two
   * owners imported the same .ics and both shared it with the user): the oldest keeps it, each other
   * one is `<base>~<eventId>.ics`, so every event has its own href.
   */
  async function namesFor(userId: number, rows: { id: number; uid: string }[]): Promise<Map<number, string>> {
    const names = await davRepository.names(db, rows.map((r) => r.id));
    const plain = new Map(rows.map((r) => [r.id, nameOf(r, names)]));
    const others = await davRepository.namesakes(db, userId, [...new Set(rows.map((r) => r.uid))], [...new Set(names.values())]);
    const holder = new Map<string, number>();
    for (const o of others) {
      const n = o.name ?? `${o.uid}.ics`;
      holder.set(n, Math.min(holder.get(n) ?? Infinity, o.id));
    }
    const out = new Map<number, string>();
    for (const r of rows) {
      const base = plain.get(r.id)!;
      const first = holder.get(base);
      out.set(r.id, first !== undefined && first < r.id ? suffixedName(base, r.id) : base);
    }
    return out;
  }

  async function toObjects(userId: number, rows: (EventRow & { role: string | null })[]): Promise<DavObject[]> {
    const ids = rows.map((r) => r.id);
    const [names, perms] = await Promise.all([namesFor(userId, rows), davRepository.permissions(db, ids)]);
    return rows.map((r) => {
      const { role, ...row } = r;
      return {
        row: row as EventRow,
        role: role as Role,
        name: names.get(r.id)!,
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
        out.push(...(await toObjects(userId, rows)));
        if (rows.length < SYNC_PAGE_SIZE) return out;
        after = rows[rows.length - 1].id;
      }
    },

    /** These events as objects of the user's calendar (live ones the user holds a role on only). */
    async objectsByIds(userId: number, ids: number[]): Promise<DavObject[]> {
      const rows = await syncRepository.eventsWithRole(db, userId, ids);
      return toObjects(userId, rows.filter((r) => r.role !== null && r.deleted_at === null));
    },

    /** The object of the user's calendar with this resource name, or null. */
    async objectByName(userId: number, name: string): Promise<DavObject | null> {
      return (await this.objectsByNames(userId, [name])).get(name) ?? null;
    },

    /** The objects of the user's calendar with these resource names (those that exist), by name. */
    async objectsByNames(userId: number, names: string[]): Promise<Map<string, DavObject>> {
      const wanted = new Set(names);
      const uids = names.filter((n) => n.endsWith('.ics')).map((n) => n.slice(0, -4));
      const suffixed = names.map(idOfSuffixed).filter((id): id is number => id !== null);
      const ids = [...new Set([...(await davRepository.idsByNamesOrUids(db, userId, names, uids)), ...suffixed])];
      const objs = await this.objectsByIds(userId, ids);
      const out = new Map(objs.filter((o) => wanted.has(o.name)).map((o) => [o.name, o]));
      // A suffixed name stays valid after its namesake left (the event then lists under the plain name).
      for (const n of names) {
        const id = idOfSuffixed(n);
        const o = id === null || out.has(n) ? undefined : objs.find((x) => x.row.id === id);
        if (o && suffixedName(o.name, o.row.id) === n) out.set(n, o);
      }
      return out;
    },

    /** Live events of the user's calendar whose span can overlap [ws, we) (refine recurring ones by occurrence). */
    async candidates(userId: number, ws: number, we: number): Promise<DavObject[]> {
      return toObjects(userId, await eventsRepository.listForUser(db, { userId, windowStart: ws, windowEnd: we }));
    },

    /**
     * RFC 6578 sync: without a token every object; with one, what changed since and the names of
     * objects deleted or no longer shared. At most `limit` results (the client's DAV:limit, and never
     * more than MAX_SYNC_RESULTS); when more remain, `truncated` and a token to continue from — a first
     * load resumes after the last event sent, a change set after the last change sent, so nothing is
     * lost or sent twice. Throws GONE for an unknown or stale token.
     */
    async sync(userId: number, token: string | null, limit = MAX_SYNC_RESULTS): Promise<DavSyncResult> {
      const now = Date.now();
      const cap = Math.max(1, Math.min(limit, MAX_SYNC_RESULTS));
      let cur: SyncCursor | null = null;
      if (token) {
        if (!token.startsWith(TOKEN_PREFIX)) throw new AppError('GONE', 'Unknown sync token');
        cur = decodeCursor(token.slice(TOKEN_PREFIX.length), now);
        if (cur.id > (await syncRepository.maxChangeId(db))) throw new AppError('GONE', 'Unknown sync token');
      }
      const tokenOf = (c: SyncCursor) => TOKEN_PREFIX + encodeCursor(c);
      if (!cur || cur.after !== undefined) {
        // A first load, page by page in event id order; the changes since its watermark follow it.
        const id = cur ? cur.id : await syncWatermark(handle, 0, now);
        const rows = await syncRepository.liveEvents(db, userId, cur?.after ?? 0, cap + 1);
        const more = rows.length > cap;
        const page = rows.slice(0, cap);
        const changed = await toObjects(userId, page);
        if (!more) return { changed, removed: [], token: tokenOf({ id, ts: now }), truncated: false };
        return { changed, removed: [], token: tokenOf({ id, ts: now, after: page[page.length - 1].id }), truncated: true };
      }
      const safe = cur.resume ?? (await syncWatermark(handle, cur.id, now));
      const changed: DavObject[] = [];
      const removed: string[] = [];
      let from = cur.id;
      while (changed.length + removed.length < cap) {
        const want = Math.min(SYNC_PAGE_SIZE, cap - changed.length - removed.length);
        const groups = await syncRepository.changedEvents(db, userId, from, want);
        const rows = await syncRepository.eventsWithRole(db, userId, groups.map((g) => g.event_id));
        const live = rows.filter((r) => r.role !== null && r.deleted_at === null);
        changed.push(...(await toObjects(userId, live)));
        const gone = rows.filter((r) => r.role === null || r.deleted_at !== null);
        const names = await namesFor(userId, gone);
        removed.push(...gone.map((r) => names.get(r.id)!));
        if (groups.length < want) return { changed, removed, token: tokenOf({ id: safe, ts: now }), truncated: false };
        from = groups[groups.length - 1].last_id;
      }
      // Exactly `cap` sent: one more look tells whether anything is left.
      const rest = await syncRepository.changedEvents(db, userId, from, 1);
      if (!rest.length) return { changed, removed, token: tokenOf({ id: safe, ts: now }), truncated: false };
      return { changed, removed, token: tokenOf({ id: from, ts: now, resume: safe }), truncated: true };
    },
  };
}

export type DavService = ReturnType<typeof createDavService>;
