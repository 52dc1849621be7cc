import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf } from './helpers/events.js';

/* uid and all_day on events: REST, conflicts, expansion across DST, the migration of old rows. */
const { t, users: [me] } = appForFile({ users: ['model'] });

describe('uid', () => {
  it('is generated, or taken from the request, and unique per creator', async () => {
    const a = await createEvent(t, me, { title: 'a', start_time: '2031-01-01T10:00:00Z', end_time: '2031-01-01T11:00:00Z' });
    expect(a.uid).toMatch(/^[0-9a-f-]{36}@tandem$/);
    const b = await createEvent(t, me, { title: 'b', uid: 'team@example.com', start_time: '2031-01-02T10:00:00Z', end_time: '2031-01-02T11:00:00Z' });
    expect(b.uid).toBe('team@example.com');
    const dup = await t.req({ method: 'POST', url: '/api/events', token: me.access, payload: { title: 'c', uid: 'team@example.com', start_time: '2031-01-03T10:00:00Z', end_time: '2031-01-03T11:00:00Z' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toMatchObject({ code: 'CONFLICT', uid: 'team@example.com', event_id: b.id });
    const other = await t.user('model2');
    expect((await createEvent(t, other, { title: 'c', uid: 'team@example.com', start_time: '2031-01-03T10:00:00Z', end_time: '2031-01-03T11:00:00Z' })).uid).toBe('team@example.com');
    const batch = await t.req({ method: 'POST', url: '/api/events/batch', token: me.access, payload: { events: [
      { title: 'x', uid: 'same', start_time: '2031-02-01T10:00:00Z', end_time: '2031-02-01T11:00:00Z' },
      { title: 'y', uid: 'same', start_time: '2031-02-02T10:00:00Z', end_time: '2031-02-02T11:00:00Z' },
    ] } });
    expect(batch.statusCode).toBe(409);
    const blank = await t.req({ method: 'POST', url: '/api/events', token: me.access, payload: { title: 'c', uid: 'a\u0001b', start_time: '2031-01-03T10:00:00Z', end_time: '2031-01-03T11:00:00Z' } });
    expect(fieldsOf(blank)).toEqual(['uid']);
    const patch = await t.req({ method: 'PATCH', url: `/api/events/${b.id}`, token: me.access, payload: { uid: 'other' } });
    expect(patch.statusCode).toBe(400);
  });

  it('is new for the second part of a split series', async () => {
    const s = await createEvent(t, me, { title: 's', start_time: '2031-03-03T10:00:00Z', end_time: '2031-03-03T11:00:00Z', recurrence_pattern: { rrule: 'FREQ=DAILY;COUNT=5' } });
    const res = await t.req({ method: 'PUT', url: `/api/events/${s.id}/occurrences/2031-03-05T10:00:00Z?scope=following`, token: me.access, payload: { title: 'later' } });
    expect(res.statusCode, res.body).toBe(200);
    const split = res.json();
    expect(split.original.uid).toBe(s.uid);
    expect(split.following.uid).not.toBe(s.uid);
  });
});

describe('all_day', () => {
  it('needs local midnights in the event zone', async () => {
    const bad = await t.req({ method: 'POST', url: '/api/events', token: me.access, payload: {
      title: 'x', all_day: true, timezone: 'Europe/Berlin', start_time: '2031-05-01T00:00:00Z', end_time: '2031-05-02T00:00:00Z',
    } });
    expect(fieldsOf(bad)).toEqual(['end_time', 'start_time']);
  });

  it('takes no part in conflict checks but is listed', async () => {
    const timed = await createEvent(t, me, { title: 'meeting', start_time: '2031-06-10T08:00:00Z', end_time: '2031-06-10T09:00:00Z' });
    const day = await createEvent(t, me, { title: 'holiday', all_day: true, timezone: 'Europe/Berlin', start_time: '2031-06-09T22:00:00Z', end_time: '2031-06-10T22:00:00Z' });
    expect(day.conflicts).toEqual([]);
    const clash = await createEvent(t, me, { title: 'call', start_time: '2031-06-10T08:30:00Z', end_time: '2031-06-10T09:30:00Z' }, '?check_conflicts=false');
    expect(clash.conflicts.map((c: any) => c.event_id)).toEqual([timed.id]);
    const pairs = (await t.req({ method: 'GET', url: '/api/events/conflicts?start_time=2031-06-01T00:00:00Z&end_time=2031-07-01T00:00:00Z', token: me.access })).json();
    expect(pairs.items.flatMap((p: any) => [p.first.event_id, p.second.event_id])).not.toContain(day.id);
    const list = (await t.req({ method: 'GET', url: '/api/events?start_time=2031-06-10T00:00:00Z&end_time=2031-06-11T00:00:00Z', token: me.access })).json();
    expect(list.items.map((i: any) => i.id)).toContain(day.id);
  });

  it('expands by local date across DST: every occurrence runs midnight to midnight', async () => {
    const s = await createEvent(t, me, {
      title: 'daily', all_day: true, timezone: 'Europe/Berlin', start_time: '2031-03-28T23:00:00Z', end_time: '2031-03-29T23:00:00Z',
      recurrence_pattern: { rrule: 'FREQ=DAILY;COUNT=3' },
    });
    const occ = (await t.req({ method: 'GET', url: `/api/events/${s.id}/occurrences?start_time=2031-03-28T00:00:00Z&end_time=2031-04-05T00:00:00Z`, token: me.access })).json();
    // 29 March 2031 (Sat), 30 March (Sun: 23 hours, clocks go forward), 31 March.
    expect(occ.items.map((o: any) => [o.occurrence_start, o.occurrence_end])).toEqual([
      ['2031-03-28T23:00:00Z', '2031-03-29T23:00:00Z'],
      ['2031-03-29T23:00:00Z', '2031-03-30T22:00:00Z'],
      ['2031-03-30T22:00:00Z', '2031-03-31T22:00:00Z'],
    ]);
    const history = (await t.req({ method: 'GET', url: `/api/events/${s.id}/history`, token: me.access })).json();
    expect(history.items[0].data).toMatchObject({ all_day: true, uid: s.uid });
  });
});

describe('migration 004', () => {
  it('gives existing rows generated UIDs, all_day false, and their versions both fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-mig-'));
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'db.sqlite')) }) });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('002_changes_target_index')).error).toBeUndefined();
      await db.insertInto('users').values({ username: 'old', username_lower: 'old', email: 'old@example.com', password_hash: 'x', created_at: 1 }).execute();
      for (const title of ['one', 'two']) {
        const e = await db.insertInto('events').values({
          title, description: '', location: '', start_time: 0, end_time: 1000, series_end: 1000, timezone: 'UTC', is_recurring: 0, rrule: null,
          exceptions: '[]', created_by: 1, created_at: 1, updated_at: 1, version: 1, deleted_at: null,
        }).returning('id').executeTakeFirstOrThrow();
        await db.insertInto('event_versions').values({ event_id: e.id, version: 1, data: JSON.stringify({ title }), created_at: 1, created_by: 1 }).execute();
      }
      expect((await migrator.migrateTo('004_icalendar')).error).toBeUndefined();
      const rows = await db.selectFrom('events').select(['uid', 'all_day', 'ical_extra']).execute();
      expect(rows).toHaveLength(2);
      expect(new Set(rows.map((r) => r.uid)).size).toBe(2);
      for (const r of rows) expect(r).toMatchObject({ uid: expect.stringMatching(/@tandem$/), all_day: 0, ical_extra: '' });
      const versions = await db.selectFrom('event_versions').select('data').execute();
      expect(versions.map((v) => JSON.parse(v.data).all_day)).toEqual([false, false]);
      expect(versions.map((v) => JSON.parse(v.data).uid).sort()).toEqual(rows.map((r) => r.uid).sort());
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
