import type { DbHandle, Dialect } from '../db/connection.js';
import { AppError } from '../domain/errors.js';
import { iso } from '../domain/time.js';
import { presentEvent, type PresentedEvent } from '../presenters/event.presenter.js';
import { syncRepository } from '../repositories/sync.repository.js';

/** Events (changes plus tombstones) per sync response; `has_more` says to call again at once. */
export const SYNC_PAGE_SIZE = 500;
/** A cursor issued longer ago than this is refused with 410: the client reloads in full. */
export const CURSOR_RETENTION_MS = 30 * 86_400_000;
/**
 * PostgreSQL hands out sequence ids at insert time, so a transaction that took id 41 may commit
 * after one that took id 42. A cursor therefore never moves past a change row younger than this
 * (transactions here last milliseconds), at the price of re-sending the last few seconds of changes.
 * SQLite has one writer: ids commit in order.
 */
export const SETTLE_MS: Record<Dialect, number> = { sqlite: 0, postgres: 10_000 };
const MAX_CURSOR_LENGTH = 512;
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The cursor: base64url of JSON `{v: 1, id, ts}` — `id` the last `event_changes.id` the client has
 * seen, `ts` when it was issued (epoch ms, for the retention check). Between the pages of a first
 * load it also carries `after`, the last event id sent; between the pages of a capped change set,
 * `resume`, the id the next sweep starts from once this one is done. Clients treat it as opaque.
 */
export interface SyncCursor {
  id: number;
  ts: number;
  after?: number;
  resume?: number;
}

export interface Tombstone {
  id: number;
  reason: 'deleted' | 'access_removed';
  at: string;
}

export interface SyncPage {
  changes: PresentedEvent[];
  tombstones: Tombstone[];
  cursor: string;
  has_more: boolean;
}

/** Encodes a cursor (see SyncCursor). */
export function encodeCursor(c: SyncCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, ...c })).toString('base64url');
}

const gone = (why: string) => new AppError('GONE', `${why}; reload everything with GET /api/sync without a cursor`);
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Decodes a cursor. Throws GONE (410) when it is malformed, from the future or past retention. */
export function decodeCursor(raw: string, now: number): SyncCursor {
  if (raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw gone('Malformed cursor');
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw gone('Malformed cursor');
  }
  const optional = (k: string) => c[k] === undefined || isCount(c[k]);
  if (!c || typeof c !== 'object' || c.v !== 1 || !isCount(c.id) || !isCount(c.ts) || !optional('after') || !optional('resume')) {
    throw gone('Malformed cursor');
  }
  if ((c.after !== undefined && c.resume !== undefined) || c.ts > now + CLOCK_SKEW_MS) throw gone('Malformed cursor');
  if (now - c.ts > CURSOR_RETENTION_MS) throw gone('Cursor expired');
  return {
    id: c.id,
    ts: c.ts,
    ...(c.after !== undefined ? { after: c.after as number } : {}),
    ...(c.resume !== undefined ? { resume: c.resume as number } : {}),
  };
}

/**
 * Sync for clients that were offline: every live event the caller holds a role on (first call),
 * then what changed since the cursor — events as GET /api/events/{id} returns them (without the
 * permission list) and tombstones for deleted events and for events the caller lost access to.
 */
export function createSyncService(deps: { handle: DbHandle }) {
  const { db, dialect } = deps.handle;

  /** The highest change id every earlier id of which has surely committed (see SETTLE_MS). */
  async function watermark(afterId: number, now: number): Promise<number> {
    const max = await syncRepository.maxChangeId(db);
    const settle = SETTLE_MS[dialect];
    if (!settle) return max;
    const fresh = await syncRepository.firstChangeWrittenAfter(db, afterId, now - settle);
    return fresh === null ? max : Math.max(afterId, fresh - 1);
  }

  async function fullPage(actorId: number, cur: SyncCursor, now: number): Promise<SyncPage> {
    const rows = await syncRepository.liveEvents(db, actorId, cur.after ?? 0, SYNC_PAGE_SIZE + 1);
    const more = rows.length > SYNC_PAGE_SIZE;
    const page = rows.slice(0, SYNC_PAGE_SIZE);
    const next: SyncCursor = more ? { id: cur.id, ts: now, after: page[page.length - 1].id } : { id: cur.id, ts: now };
    return { changes: page.map((r) => presentEvent(r, r.role)), tombstones: [], cursor: encodeCursor(next), has_more: more };
  }

  async function changesPage(actorId: number, cur: SyncCursor, now: number): Promise<SyncPage> {
    // The watermark is read before the changes (every change at or below it is visible to the reads
    // that follow) and once per sweep: the pages of a capped sweep carry it along in `resume`.
    const safe = cur.resume ?? (await watermark(cur.id, now));
    const groups = await syncRepository.changedEvents(db, actorId, cur.id, SYNC_PAGE_SIZE + 1);
    const more = groups.length > SYNC_PAGE_SIZE;
    const page = groups.slice(0, SYNC_PAGE_SIZE);
    const rows = new Map((await syncRepository.eventsWithRole(db, actorId, page.map((g) => g.event_id))).map((r) => [r.id, r]));
    const changes: PresentedEvent[] = [];
    const tombstones: Tombstone[] = [];
    for (const g of page) {
      const row = rows.get(g.event_id);
      if (!row) continue;
      if (row.role && row.deleted_at !== null) tombstones.push({ id: row.id, reason: 'deleted', at: iso(row.deleted_at) });
      else if (row.role) changes.push(presentEvent(row, row.role));
      else if (g.removed_at !== null) tombstones.push({ id: row.id, reason: 'access_removed', at: iso(g.removed_at) });
    }
    const next: SyncCursor = more ? { id: page[page.length - 1].last_id, ts: now, resume: safe } : { id: safe, ts: now };
    return { changes, tombstones, cursor: encodeCursor(next), has_more: more };
  }

  return {
    /**
     * One sync page for the caller. Without a cursor: the full set of live events (paged by id) and
     * a cursor for what changes after. With one: changes and tombstones since it. Throws GONE (410)
     * for a malformed or expired cursor, or one from another database.
     */
    async sync(actorId: number, rawCursor?: string): Promise<SyncPage> {
      const now = Date.now();
      if (rawCursor === undefined || rawCursor === '') return fullPage(actorId, { id: await watermark(0, now), ts: now }, now);
      const cur = decodeCursor(rawCursor, now);
      if (Math.max(cur.id, cur.resume ?? 0) > (await syncRepository.maxChangeId(db))) throw gone('Unknown cursor');
      return cur.after !== undefined ? fullPage(actorId, cur, now) : changesPage(actorId, cur, now);
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
