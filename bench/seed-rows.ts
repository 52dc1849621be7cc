import type { Insertable } from 'kysely';
import { IANAZone } from 'luxon';
import type { Database } from '../src/db/types.js';
import { applyInput, toSnapshot, type EventDraft, type EventInput } from '../src/domain/event-draft.js';
import { newUid } from '../src/domain/event-uid.js';
import type { Role } from '../src/domain/roles.js';
import { draftColumns } from '../src/repositories/events.repository.js';

/*
 * The rows a seeded dataset holds, built the way the app builds them: every event goes through
 * the app's own input validation (applyInput) and row mapping (draftColumns, toSnapshot), so the
 * stored columns (series_end, search_text, uid, rrule) and version snapshots are exactly what a
 * create through the API writes. Per event: the event row, its owner permission, version 1, the
 * "created" changelog row and audit row; per share: the permission, the "shared" changelog row and
 * the recipient's notification.
 *
 * User 1 ("probe") owns the same PROBE_EVENTS events in every dataset, whatever its size, and is
 * never shared with: the scale scenarios read as the probe, so a ratio between two datasets
 * compares the same work against a bigger table.
 */

/**
 * The seed asks luxon for the same zone offsets over and over (recurring events start on the hour,
 * so their occurrences land on the same instants): remember them per zone and instant. A pure
 * function memoised by its exact argument, so the rows are the same; only this process is patched.
 */
let memoised = false;
export function memoiseZoneOffsets(): void {
  if (memoised) return;
  memoised = true;
  const original = IANAZone.prototype.offset;
  const memo = new WeakMap<IANAZone, Map<number, number>>();
  IANAZone.prototype.offset = function offset(this: IANAZone, ts: number): number {
    let m = memo.get(this);
    if (!m) memo.set(this, (m = new Map()));
    let v = m.get(ts);
    if (v === undefined) {
      v = original.call(this, ts);
      if (m.size > 500_000) m.clear();
      m.set(ts, v);
    }
    return v;
  };
}

export const PROBE_USER = 1;
export const PROBE_ONE_OFF = 200;
/** The probe's window of 50 one-off events (a day apart from 2030-01-01, 09:00 UTC). */
export const PROBE_WINDOW = { start: Date.UTC(2030, 0, 1), end: Date.UTC(2030, 1, 20) };
export const sessionIdOf = (userId: number) => `seed-session-${userId}`;

type Rows<T extends keyof Database> = Insertable<Database[T]>[];
export interface EventRows {
  events: Rows<'events'>;
  event_permissions: Rows<'event_permissions'>;
  event_versions: Rows<'event_versions'>;
  event_changes: Rows<'event_changes'>;
  notifications: Rows<'notifications'>;
  audit_log: Rows<'audit_log'>;
  /** A few events' version-1 snapshots, to read back through the app once the seed is done. */
  sample: { id: number; snapshot: string }[];
}

/** Every SAMPLE_EVERY-th event is read back through the app after the seed. */
const SAMPLE_EVERY = 4999;
/** Every PROOF_EVERY-th one-off event is also run through applyInput and must come out the same. */
const PROOF_EVERY = 997;

/** A small deterministic PRNG (mulberry32): the same arguments seed the same dataset. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const usernameOf = (id: number) => (id === PROBE_USER ? 'probe' : `user${id}`);

export function userRows(from: number, to: number, passwordHash: string, now: number): { users: Rows<'users'>; sessions: Rows<'sessions'> } {
  const users: Rows<'users'> = [];
  const sessions: Rows<'sessions'> = [];
  for (let id = from; id <= to; id++) {
    const name = usernameOf(id);
    users.push({ id, username: name, username_lower: name, email: `${name}@example.com`, password_hash: passwordHash, created_at: now });
    // One login session per user, so the benchmark can sign access tokens for any of them.
    sessions.push({ id: sessionIdOf(id), user_id: id, refresh_jti: `seed-${id}`, created_at: now, expires_at: now + 365 * 86_400_000, revoked_at: null, revoked_reason: null });
  }
  return { users, sessions };
}

const TITLES = ['Standup', 'Planning', 'Design review', 'Lunch with Ana', '1:1', 'Customer call', 'Dentist', 'Yoga', 'Sprint demo', 'Budget sync', 'Café with Zoë', 'Retro'];
const PLACES = ['', '', 'Room 4', 'Online', 'Main office', 'Kraków office'];
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Europe/Berlin'];
const DAY = 86_400_000;
/** Recurring shapes, as a client sends them; `until` is filled relative to the start. */
const PATTERNS: ((start: number) => unknown)[] = [
  () => ({ frequency: 'DAILY', count: 30 }),
  () => ({ frequency: 'WEEKLY', by_weekday: ['MO', 'WE', 'FR'] }),
  (s) => ({ frequency: 'WEEKLY', interval: 2, until: new Date(s + 180 * DAY).toISOString() }),
  () => ({ frequency: 'MONTHLY', count: 12 }),
  () => ({ frequency: 'YEARLY' }),
];

/**
 * The draft applyInput returns for a one-off event whose input the seed built itself: a non-blank
 * title, a canonical zone from ZONES, start/end as UTC ISO strings of whole milliseconds with
 * start < end < start + 1 day, no pattern, no uid, not all-day. For such input every check in
 * applyInput passes and the draft is these fields as given (description/location '' for absent) with
 * a fresh uid. Skipping the validation saves its time per event; `PROOF_EVERY` keeps checking that
 * the shortcut still equals the app's own result.
 */
function oneOffDraft(id: number, input: EventInput, start: number, end: number): EventDraft {
  const draft: EventDraft = { title: input.title!, description: input.description ?? '', location: input.location ?? '', start, end, timezone: input.timezone ?? 'UTC', rrule: null, exceptions: [], uid: newUid(), allDay: false, kept: undefined };
  if (id % PROOF_EVERY === 0) {
    const app = applyInput(null, input);
    if (JSON.stringify({ ...app, uid: '' }) !== JSON.stringify({ ...draft, uid: '' }) || Object.keys(app).join() !== Object.keys(draft).join()) {
      throw new Error(`seed: the precomputed draft of event ${id} differs from applyInput's`);
    }
  }
  return draft;
}

function row(id: number, ownerId: number, input: EventInput, at: number, out: EventRows, ownerName: string, shares: { user_id: number; role: Role }[], span?: { start: number; end: number }): void {
  const draft = span && !input.recurrence_pattern ? oneOffDraft(id, input, span.start, span.end) : applyInput(null, input);
  out.events.push({ id, ...draftColumns(draft), ical_extra: '', created_by: ownerId, created_at: at, updated_at: at, version: 1, deleted_at: null });
  out.event_permissions.push({ event_id: id, user_id: ownerId, role: 'OWNER', created_at: at, updated_at: at });
  const snapshot = JSON.stringify(toSnapshot(draft));
  out.event_versions.push({ event_id: id, version: 1, data: snapshot, created_at: at, created_by: ownerId });
  if (id % SAMPLE_EVERY === 1) out.sample.push({ id, snapshot });
  out.event_changes.push({ event_id: id, version: 1, action: 'created', actor_id: ownerId, target_user_id: null, summary: 'created the event', changed_fields: '[]', from_version: null, to_version: 1, created_at: at });
  out.audit_log.push({ user_id: ownerId, action: 'event.create', created_at: at, ip: '127.0.0.1', outcome: 'ok', event_id: id, details: '{}' });
  for (const s of shares) {
    out.event_permissions.push({ event_id: id, user_id: s.user_id, role: s.role, created_at: at, updated_at: at });
    out.event_changes.push({ event_id: id, version: 1, action: 'shared', actor_id: ownerId, target_user_id: s.user_id, summary: `shared with ${usernameOf(s.user_id)} as ${s.role}`, changed_fields: '[]', from_version: null, to_version: null, created_at: at });
    out.notifications.push({ user_id: s.user_id, type: 'event_shared', event_id: id, actor_id: ownerId, message: `${ownerName} shared “${input.title}” with you as ${s.role}`, data: JSON.stringify({ event_title: input.title, role: s.role }), is_read: 0, created_at: at });
  }
}

export function emptyRows(): EventRows {
  return { events: [], event_permissions: [], event_versions: [], event_changes: [], notifications: [], audit_log: [], sample: [] };
}

/** The probe's fixed events (ids 1…): 200 one-offs a day apart from 2030-01-01 and one daily series. */
export function probeRows(now: number): EventRows {
  const out = emptyRows();
  let id = 0;
  for (let i = 0; i < PROBE_ONE_OFF; i++) {
    const s = PROBE_WINDOW.start + i * DAY + 9 * 3600_000;
    row(++id, PROBE_USER, { title: `Probe event ${i}`, description: 'Quarterly planning with the whole team', start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() }, now, out, 'probe', []);
  }
  const s = PROBE_WINDOW.start + 7 * 3600_000;
  row(++id, PROBE_USER, { title: 'Probe standup', start_time: new Date(s).toISOString(), end_time: new Date(s + 900_000).toISOString(), recurrence_pattern: { frequency: 'DAILY' } }, now, out, 'probe', []);
  return out;
}

/**
 * Background events `fromId`…`toId` (ids continue after the probe's), created a millisecond apart in id order: owners spread over users 2…users,
 * starts over two years back and one ahead, 15 % recurring, 35 % shared with one to three others.
 */
export function backgroundRows(fromId: number, toId: number, users: number, now: number, rand: () => number): EventRows {
  const out = emptyRows();
  const pick = (n: number) => Math.floor(rand() * n);
  const others = users - 1;
  for (let id = fromId; id <= toId; id++) {
    const owner = 2 + pick(others);
    const start = Math.floor((now - 730 * DAY + pick(1095) * DAY) / 3600_000) * 3600_000 + (8 + pick(10)) * 3600_000;
    const end = start + [1800_000, 3600_000, 5400_000][pick(3)];
    const title = `${TITLES[pick(TITLES.length)]} ${id}`;
    const input: EventInput = { title, description: rand() < 0.5 ? '' : 'Agenda in the shared folder; bring the numbers', location: PLACES[pick(PLACES.length)], start_time: new Date(start).toISOString(), end_time: new Date(end).toISOString(), timezone: ZONES[pick(ZONES.length)] };
    if (rand() < 0.15) input.recurrence_pattern = PATTERNS[pick(PATTERNS.length)](start);
    const shares: { user_id: number; role: Role }[] = [];
    if (others > 1 && rand() < 0.35) {
      const n = 1 + pick(3);
      for (let k = 0; k < n; k++) {
        const u = 2 + pick(others);
        if (u !== owner && !shares.some((x) => x.user_id === u)) shares.push({ user_id: u, role: rand() < 0.5 ? 'EDITOR' : 'VIEWER' });
      }
    }
    row(id, owner, input, now - 5_000_000 + id, out, usernameOf(owner), shares, { start, end });
  }
  return out;
}
