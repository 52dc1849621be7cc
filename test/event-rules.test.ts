import { describe, expect, it } from 'vitest';
import type { TestUser } from './helpers/app.js';
import { appForFile } from './helpers/file-app.js';
import { createEvent, freshSlot } from './helpers/events.js';

/* SPEC details settled: order of checks, merge with one's own edits; §11 search; restore conflict check. */
const { t, users: [owner, viewer, stranger] } = appForFile({ users: ['own', 'view', 'str'] });

describe('order of checks: authentication, role, then body', () => {
  it('a stranger gets 404 whatever body they send, a weak role 403, only a strong enough role 400', async () => {
    const e = await createEvent(t, owner, { title: 'Private', ...freshSlot() });
    const share = await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: owner.access, payload: { user_id: viewer.id, role: 'VIEWER' } });
    expect(share.statusCode).toBe(200);

    const selfShare = await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: stranger.access, payload: { user_id: stranger.id, role: 'EDITOR' } });
    expect(selfShare.statusCode).toBe(404);
    const garbage = [
      { method: 'POST' as const, url: `/api/events/${e.id}/share`, payload: { nonsense: true } },
      { method: 'PUT' as const, url: `/api/events/${e.id}`, payload: { title: '', bogus: 1 } },
      { method: 'PATCH' as const, url: `/api/events/${e.id}?check_conflicts=maybe`, payload: { title: 'x' } },
      { method: 'PUT' as const, url: `/api/events/${e.id}/permissions/${viewer.id}`, payload: { role: 42 } },
      { method: 'PUT' as const, url: `/api/events/${e.id}/occurrences/not-a-time`, payload: { title: 'x' } },
      { method: 'POST' as const, url: `/api/events/${e.id}/rollback/1?check_conflicts=nope` },
      { method: 'GET' as const, url: `/api/events/${e.id}/history?limit=0` },
    ];
    for (const g of garbage) {
      const res = await t.req({ ...g, token: stranger.access });
      expect(res.statusCode, `${g.method} ${g.url}`).toBe(404);
      expect(res.json().detail.code).toBe('NOT_FOUND');
    }
    // The viewer holds a role, too weak for writes: 403 before their body is looked at.
    for (const g of garbage.slice(0, 5)) {
      const res = await t.req({ ...g, token: viewer.access });
      expect(res.statusCode, `viewer ${g.method} ${g.url}`).toBe(403);
    }
    // The owner gets the body's 400.
    const bad = await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: owner.access, payload: { user_id: owner.id, role: 'EDITOR' } });
    expect(bad.statusCode).toBe(400);
    // Unauthenticated callers still get 401 first.
    expect((await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, payload: {} })).statusCode).toBe(401);
  });
});

describe('three-way merge with one\'s own edits', () => {
  it('does not count the caller\'s own edits since base_version as conflicts; another user\'s still are', async () => {
    const e = await createEvent(t, owner, { title: 'Draft', description: 'one', ...freshSlot() });
    await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: owner.access, payload: { user_id: stranger.id, role: 'EDITOR' } });
    const put = (u: TestUser, body: Record<string, unknown>) => t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: body });
    expect((await put(owner, { title: 'Draft 2' })).statusCode).toBe(200);
    // Same user, edit based on version 1 touching the field they changed themselves: their value wins.
    const own = await put(owner, { title: 'Draft 3', base_version: 1 });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().title).toBe('Draft 3');
    // Another user changed description since version 3; the owner's edit based on 3 conflicts there.
    expect((await put(stranger, { description: 'theirs' })).statusCode).toBe(200);
    const clash = await put(owner, { description: 'mine', base_version: 3 });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail.conflicts).toEqual([{ field: 'description', base: 'one', theirs: 'theirs', yours: 'mine' }]);
    // Mixed history: the other user's field conflicts, the caller's own does not.
    const mixed = await put(owner, { title: 'Draft 5', base_version: 1 });
    expect(mixed.statusCode).toBe(200);
  });
});

describe('text search', () => {
  it('is case- and accent-insensitive', async () => {
    const e = await createEvent(t, owner, { title: 'Réunion à l’École', location: 'Zürich', ...freshSlot() });
    for (const q of ['école', 'ECOLE', 'reunion', 'zurich', 'ZÜRICH']) {
      const res = await t.req({ method: 'GET', url: `/api/events?q=${encodeURIComponent(q)}`, token: owner.access });
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((i: { id: number }) => i.id), q).toContain(e.id);
    }
    const updated = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: owner.access, payload: { description: 'Crème brûlée' } });
    expect(updated.statusCode).toBe(200);
    const res = await t.req({ method: 'GET', url: `/api/events?q=creme%20brulee`, token: owner.access });
    expect(res.json().items.map((i: { id: number }) => i.id)).toEqual([e.id]);
    // LIKE wildcards in the query are literal.
    expect((await t.req({ method: 'GET', url: `/api/events?q=%25`, token: owner.access })).json().items).toEqual([]);
  });
});

describe('restore', () => {
  it('runs the conflict check: 409 when the slot was booked meanwhile, unless check_conflicts=false', async () => {
    const slot = freshSlot();
    const a = await createEvent(t, owner, { title: 'First', ...slot });
    expect((await t.req({ method: 'DELETE', url: `/api/events/${a.id}`, token: owner.access })).statusCode).toBe(204);
    const b = await createEvent(t, owner, { title: 'Second', ...slot });
    const res = await t.req({ method: 'POST', url: `/api/events/${a.id}/restore`, token: owner.access });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail.conflicts.map((c: { event_id: number }) => c.event_id)).toEqual([b.id]);
    expect((await t.req({ method: 'GET', url: `/api/events/${a.id}`, token: owner.access })).statusCode).toBe(404);
    const forced = await t.req({ method: 'POST', url: `/api/events/${a.id}/restore?check_conflicts=false`, token: owner.access });
    expect(forced.statusCode).toBe(200);
    expect(forced.json().conflicts.map((c: { event_id: number }) => c.event_id)).toEqual([b.id]);
  });
});
