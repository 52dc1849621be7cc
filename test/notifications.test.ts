import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/services/sync.service.js';
import type { TestUser } from './helpers/app.js';
import { appForFile } from './helpers/file-app.js';
import { createEvent, freshSlot } from './helpers/events.js';

const { t, users: [owner, editor, viewer] } = appForFile({ users: ['nto', 'nte', 'ntv'] });

async function share(o: TestUser, eventId: number, users: { user: TestUser; role: string }[]) {
  const res = await t.req({ method: 'POST', url: `/api/events/${eventId}/share`, token: o.access, payload: { users: users.map((u) => ({ user_id: u.user.id, role: u.role })) } });
  expect(res.statusCode, res.body).toBe(200);
}

async function update(u: TestUser, eventId: number, payload: Record<string, unknown>) {
  const res = await t.req({ method: 'PUT', url: `/api/events/${eventId}`, token: u.access, payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function list(u: TestUser, query = '') {
  const res = await t.req({ method: 'GET', url: `/api/notifications${query}`, token: u.access });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('notifications REST', () => {
  it('stores one notification per collaborator but the actor, newest first, with totals and pagination', async () => {
    const e = await createEvent(t, owner, { title: 'Standup', ...freshSlot() });
    await share(owner, e.id, [{ user: editor, role: 'EDITOR' }, { user: viewer, role: 'VIEWER' }]);
    await update(owner, e.id, { title: 'Standup 2' });
    await update(owner, e.id, { location: 'Room 4' });
    await update(editor, e.id, { title: 'Standup 3' });

    expect((await list(owner)).items.map((n: any) => [n.type, n.actor_id])).toEqual([['event_updated', editor.id]]);
    expect((await list(editor)).items.map((n: any) => n.type)).toEqual(['event_updated', 'event_updated', 'event_shared']);

    const all = await list(viewer);
    expect(all.total).toBe(4);
    expect(all.unread).toBe(4);
    expect(all.items.map((n: any) => n.type)).toEqual(['event_updated', 'event_updated', 'event_updated', 'event_shared']);
    const ids = all.items.map((n: any) => n.id);
    expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids);
    expect(all.items[0]).toEqual({
      id: expect.any(Number), type: 'event_updated', event_id: e.id, actor_id: editor.id,
      message: expect.stringContaining(editor.username), data: expect.objectContaining({ event_title: 'Standup 3', version: 4, changed_fields: ['title'] }),
      is_read: false, created_at: expect.stringMatching(/Z$/),
    });
    expect(all.items[1].data.changed_fields).toEqual(['location']);
    expect(all.items[3].data).toMatchObject({ role: 'VIEWER' });

    const p1 = await list(viewer, '?limit=3');
    const p2 = await list(viewer, '?skip=3&limit=3');
    expect(p1.total).toBe(4);
    expect(p1.items.map((n: any) => n.id)).toEqual(ids.slice(0, 3));
    expect(p2.items.map((n: any) => n.id)).toEqual(ids.slice(3));

    const bad = await t.req({ method: 'GET', url: '/api/notifications?limit=0', token: viewer.access });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail.errors[0].field).toBe('limit');
    const anon = await t.req({ method: 'GET', url: '/api/notifications' });
    expect(anon.statusCode).toBe(401);
  });

  it('marks one read (200 with the notification), filters unread, and read-all (204)', async () => {
    const before = await list(viewer);
    const target = before.items[1];
    const res = await t.req({ method: 'PUT', url: `/api/notifications/${target.id}/read`, token: viewer.access });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...target, is_read: true });
    const again = await t.req({ method: 'PUT', url: `/api/notifications/${target.id}/read`, token: viewer.access });
    expect(again.statusCode).toBe(200);

    const unread = await list(viewer, '?unread=true');
    expect(unread.total).toBe(before.total - 1);
    expect(unread.unread).toBe(before.unread - 1);
    expect(unread.items.map((n: any) => n.id)).not.toContain(target.id);
    const everything = await list(viewer);
    expect(everything.total).toBe(before.total);
    expect(everything.unread).toBe(before.unread - 1);

    const all = await t.req({ method: 'PUT', url: '/api/notifications/read-all', token: viewer.access });
    expect(all.statusCode).toBe(204);
    expect(all.body).toBe('');
    const after = await list(viewer);
    expect(after.unread).toBe(0);
    expect(after.items.every((n: any) => n.is_read)).toBe(true);
    expect((await list(viewer, '?unread=true')).items).toEqual([]);
    // Only the caller's own were touched.
    expect((await list(editor)).unread).toBeGreaterThan(0);
  });

  it('answers 404 for someone else\'s notification or an unknown id, and changes nothing', async () => {
    const theirs = (await list(editor)).items[0];
    const res = await t.req({ method: 'PUT', url: `/api/notifications/${theirs.id}/read`, token: viewer.access });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail.code).toBe('NOT_FOUND');
    expect((await list(editor)).items[0].is_read).toBe(false);
    const unknown = await t.req({ method: 'PUT', url: '/api/notifications/999999/read', token: viewer.access });
    expect(unknown.statusCode).toBe(404);
    const badId = await t.req({ method: 'PUT', url: '/api/notifications/abc/read', token: viewer.access });
    expect(badId.statusCode).toBe(400);
  });
});

describe('sync', () => {
  async function sync(u: TestUser, cursor?: string) {
    const res = await t.req({ method: 'GET', url: `/api/sync${cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`}`, token: u.access });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  // PostgreSQL cursors lag a few seconds (see SETTLE_MS), so recent changes may come again there.
  const exact = () => t.c.handle.dialect === 'sqlite';

  it('loads everything first, then changes and tombstones since the cursor', async () => {
    const a = await t.user('sya');
    const b = await t.user('syb');
    const e1 = await createEvent(t, a, { title: 'Mine 1', ...freshSlot() });
    const e2 = await createEvent(t, a, { title: 'Mine 2', ...freshSlot() });
    const e3 = await createEvent(t, b, { title: 'Theirs 3', ...freshSlot() });
    const e4 = await createEvent(t, b, { title: 'Theirs 4', ...freshSlot() });
    await share(b, e3.id, [{ user: a, role: 'VIEWER' }]);
    await share(b, e4.id, [{ user: a, role: 'EDITOR' }]);
    await createEvent(t, b, { title: 'Not shared', ...freshSlot() });

    const first = await sync(a);
    expect(first.changes.map((e: any) => e.id).sort()).toEqual([e1.id, e2.id, e3.id, e4.id].sort());
    expect(first.tombstones).toEqual([]);
    expect(first.has_more).toBe(false);
    expect(typeof first.cursor).toBe('string');
    const got3 = first.changes.find((e: any) => e.id === e3.id);
    expect(got3).toMatchObject({ title: 'Theirs 3', role: 'VIEWER', version: 1 });
    expect(got3.permissions).toBeUndefined();
    expect(first.changes.find((e: any) => e.id === e4.id).role).toBe('EDITOR');

    await update(a, e1.id, { title: 'Mine 1 renamed' });
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e2.id}`, token: a.access })).statusCode).toBe(204);
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e4.id}/permissions/${a.id}`, token: b.access })).statusCode).toBe(204);
    const e5 = await createEvent(t, b, { title: 'Theirs 5', ...freshSlot() });
    await share(b, e5.id, [{ user: a, role: 'VIEWER' }]);

    const second = await sync(a, first.cursor);
    const changed = second.changes.map((e: any) => e.id);
    expect(changed).toEqual(expect.arrayContaining([e1.id, e5.id]));
    expect(changed).not.toContain(e2.id);
    expect(changed).not.toContain(e4.id);
    expect(second.changes.find((e: any) => e.id === e1.id)).toMatchObject({ title: 'Mine 1 renamed', version: 2, role: 'OWNER' });
    expect(second.tombstones).toEqual(expect.arrayContaining([
      { id: e2.id, reason: 'deleted', at: expect.stringMatching(/Z$/) },
      { id: e4.id, reason: 'access_removed', at: expect.stringMatching(/Z$/) },
    ]));
    expect(second.tombstones).toHaveLength(2);
    expect(second.has_more).toBe(false);
    if (exact()) {
      expect(changed.sort()).toEqual([e1.id, e5.id].sort());
      const third = await sync(a, second.cursor);
      expect(third).toMatchObject({ changes: [], tombstones: [], has_more: false });
    }

    // Restored: back among the changes.
    expect((await t.req({ method: 'POST', url: `/api/events/${e2.id}/restore`, token: a.access })).statusCode).toBe(200);
    const fourth = await sync(a, second.cursor);
    expect(fourth.changes.map((e: any) => e.id)).toContain(e2.id);
    expect(fourth.tombstones.map((x: any) => x.id)).not.toContain(e2.id);
  });

  it('pages a large first load and resumes where it stopped', async () => {
    const u = await t.user('sypage');
    const base = Date.UTC(2031, 0, 1);
    for (let b = 0; b < 6; b++) {
      const events = Array.from({ length: 100 }, (_, i) => {
        const s = base + (b * 100 + i) * 7_200_000;
        return { title: `Bulk ${b * 100 + i}`, start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() };
      });
      const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const p1 = await sync(u);
    expect(p1.changes).toHaveLength(500);
    expect(p1.has_more).toBe(true);
    const p2 = await sync(u, p1.cursor);
    expect(p2.changes).toHaveLength(100);
    expect(p2.has_more).toBe(false);
    const ids = new Set([...p1.changes, ...p2.changes].map((e: any) => e.id));
    expect(ids.size).toBe(600);
    await update(u, p1.changes[0].id, { title: 'Bulk changed' });
    // Changes are capped per page too: follow has_more (PostgreSQL re-sends the fresh batch first).
    const changed: any[] = [];
    let cursor = p2.cursor;
    for (let page = 0, more = true; more; page++) {
      expect(page).toBeLessThan(5);
      const p = await sync(u, cursor);
      changed.push(...p.changes);
      ({ cursor, has_more: more } = p);
    }
    expect(changed.find((e) => e.id === p1.changes[0].id)).toMatchObject({ title: 'Bulk changed', version: 2 });
    if (exact()) expect(changed).toHaveLength(1);
  });

  it('answers 410 GONE for a malformed, foreign or expired cursor', async () => {
    const u = await t.user('sygone');
    const now = Date.now();
    const cursors = [
      'not a cursor!',
      'abc',
      Buffer.from('{"v":2,"id":1,"ts":1}').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      encodeCursor({ id: -1, ts: now }),
      encodeCursor({ id: 0, ts: now + 86_400_000 }),
      encodeCursor({ id: 0, ts: now - 31 * 86_400_000 }),
      encodeCursor({ id: 1_000_000_000, ts: now }),
      'x'.repeat(600),
    ];
    for (const c of cursors) {
      const res = await t.req({ method: 'GET', url: `/api/sync?cursor=${encodeURIComponent(c)}`, token: u.access });
      expect(res.statusCode, c).toBe(410);
      expect(res.json().detail.code).toBe('GONE');
    }
    const fresh = await sync(u);
    expect(fresh).toMatchObject({ changes: [], tombstones: [], has_more: false });
    expect((await sync(u, fresh.cursor)).changes).toEqual([]);
  });
});
