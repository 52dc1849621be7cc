import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf, freshSlot } from './helpers/events.js';

const { t, users: [owner, bob, carol] } = appForFile({ users: ['own', 'bob', 'carol'] });

const share = (token: string, id: number, payload: unknown) => t.req({ method: 'POST', url: `/api/events/${id}/share`, token, payload: payload as never });

describe('sharing', () => {
  it('runs the collaboration scenario end to end', async () => {
    const e = await createEvent(t, owner, { title: 'Planning', ...freshSlot() });
    expect((await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: bob.access })).statusCode).toBe(404);

    const s = await share(owner.access, e.id, { users: [{ user_id: bob.id, role: 'editor' }] });
    expect(s.statusCode).toBe(200);
    expect(s.json()).toEqual([
      { user_id: owner.id, username: owner.username, role: 'OWNER' },
      { user_id: bob.id, username: bob.username, role: 'EDITOR' },
    ]);

    const read = await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: bob.access });
    expect(read.statusCode).toBe(200);
    expect(read.json().role).toBe('EDITOR');
    const upd = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: bob.access, payload: { title: 'Planning v2' } });
    expect(upd.statusCode).toBe(200);
    expect(upd.json().title).toBe('Planning v2');
    const list = await t.req({ method: 'GET', url: '/api/events?role=editor', token: bob.access });
    expect(list.json().items.map((i: { id: number; role: string }) => [i.id, i.role])).toContainEqual([e.id, 'EDITOR']);

    const down = await t.req({ method: 'PUT', url: `/api/events/${e.id}/permissions/${bob.id}`, token: owner.access, payload: { role: 'Viewer' } });
    expect(down.statusCode).toBe(200);
    expect(down.json().find((p: { user_id: number }) => p.user_id === bob.id).role).toBe('VIEWER');
    const denied = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: bob.access, payload: { title: 'Nope' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail.code).toBe('FORBIDDEN');

    const revoke = await t.req({ method: 'DELETE', url: `/api/events/${e.id}/permissions/${bob.id}`, token: owner.access });
    expect(revoke.statusCode).toBe(204);
    expect((await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: bob.access })).statusCode).toBe(404);
    const after = await t.req({ method: 'GET', url: '/api/events?limit=100', token: bob.access });
    expect(after.json().items.map((i: { id: number }) => i.id)).not.toContain(e.id);

    const changes = await t.c.handle.db.selectFrom('event_changes').select(['action', 'actor_id', 'target_user_id', 'summary']).where('event_id', '=', e.id).orderBy('id').execute();
    expect(changes.map((c) => [c.action, c.actor_id, c.target_user_id])).toEqual([
      ['created', owner.id, null],
      ['shared', owner.id, bob.id],
      ['updated', bob.id, null],
      ['permission_changed', owner.id, bob.id],
      ['permission_removed', owner.id, bob.id],
    ]);
  });

  it('accepts a single {user_id, role} and changes an existing grant', async () => {
    const e = await createEvent(t, owner, { title: 'Single', ...freshSlot() });
    expect((await share(owner.access, e.id, { user_id: carol.id, role: 'VIEWER' })).statusCode).toBe(200);
    const again = await share(owner.access, e.id, { user_id: carol.id, role: 'EDITOR' });
    expect(again.json().find((p: { user_id: number }) => p.user_id === carol.id).role).toBe('EDITOR');
  });

  it('rejects bad share requests and writes nothing', async () => {
    const e = await createEvent(t, owner, { title: 'Guarded', ...freshSlot() });
    const cases: [unknown, number, string[]][] = [
      [{ users: [{ user_id: owner.id, role: 'VIEWER' }] }, 400, ['users[0].user_id']],
      [{ users: [{ user_id: bob.id, role: 'VIEWER' }, { user_id: bob.id, role: 'EDITOR' }] }, 400, ['users[1].user_id']],
      [{ users: [{ user_id: bob.id, role: 'ADMIN' }] }, 400, ['users[0].role']],
      [{ users: [{ user_id: bob.id, role: 'OWNER' }] }, 400, ['users[0].role']],
      [{ users: [] }, 400, []],
      [{ users: Array.from({ length: 101 }, (_, i) => ({ user_id: 1000 + i, role: 'VIEWER' })) }, 400, []],
    ];
    for (const [payload, status, fields] of cases) {
      const res = await share(owner.access, e.id, payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(status);
      if (fields.length) expect(fieldsOf(res)).toEqual(fields);
    }
    const unknown = await share(owner.access, e.id, { users: [{ user_id: bob.id, role: 'VIEWER' }, { user_id: 987654, role: 'VIEWER' }] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail.user_id).toBe(987654);
    expect(unknown.json().detail.message).toContain('987654');
    const perms = await t.req({ method: 'GET', url: `/api/events/${e.id}/permissions`, token: owner.access });
    expect(perms.json()).toHaveLength(1);
  });

  it('transfers ownership explicitly; the old owner becomes editor', async () => {
    const e = await createEvent(t, owner, { title: 'Handover', ...freshSlot() });
    await share(owner.access, e.id, { user_id: carol.id, role: 'VIEWER' });
    const tr = await t.req({ method: 'PUT', url: `/api/events/${e.id}/permissions/${carol.id}`, token: owner.access, payload: { role: 'owner' } });
    expect(tr.statusCode).toBe(200);
    expect(tr.json()).toEqual([
      { user_id: carol.id, username: carol.username, role: 'OWNER' },
      { user_id: owner.id, username: owner.username, role: 'EDITOR' },
    ]);
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e.id}`, token: owner.access })).statusCode).toBe(403);
    // Transfer to someone without a role is refused.
    const none = await t.req({ method: 'PUT', url: `/api/events/${e.id}/permissions/${bob.id}`, token: carol.access, payload: { role: 'OWNER' } });
    expect(none.statusCode).toBe(404);
  });

  it('lets anyone leave, but not the owner', async () => {
    const e = await createEvent(t, owner, { title: 'Leaving', ...freshSlot() });
    await share(owner.access, e.id, { user_id: bob.id, role: 'VIEWER' });
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e.id}/permissions/${bob.id}`, token: bob.access })).statusCode).toBe(204);
    expect((await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: bob.access })).statusCode).toBe(404);
    const ownerLeaves = await t.req({ method: 'DELETE', url: `/api/events/${e.id}/permissions/${owner.id}`, token: owner.access });
    expect(ownerLeaves.statusCode).toBe(409);
    const demote = await t.req({ method: 'PUT', url: `/api/events/${e.id}/permissions/${owner.id}`, token: owner.access, payload: { role: 'EDITOR' } });
    expect(demote.statusCode).toBe(409);
  });

  it('counts shared events in the grantee\'s conflict detection', async () => {
    const slot = freshSlot();
    const e = await createEvent(t, owner, { title: 'Shared slot', ...slot });
    await share(owner.access, e.id, { user_id: carol.id, role: 'VIEWER' });
    const clash = await t.req({ method: 'POST', url: '/api/events', token: carol.access, payload: { title: 'Mine', ...slot } });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail.conflicts[0].event_id).toBe(e.id);
  });

  it('keeps one consistent permission list under concurrent share and revoke', async () => {
    const e = await createEvent(t, owner, { title: 'Race', ...freshSlot() });
    const ops = [];
    for (let i = 0; i < 10; i++) {
      ops.push(share(owner.access, e.id, { user_id: bob.id, role: i % 2 ? 'EDITOR' : 'VIEWER' }));
      ops.push(t.req({ method: 'DELETE', url: `/api/events/${e.id}/permissions/${bob.id}`, token: owner.access }));
      ops.push(share(owner.access, e.id, { user_id: carol.id, role: 'VIEWER' }));
    }
    const results = await Promise.all(ops);
    for (const r of results) expect([200, 204, 404]).toContain(r.statusCode);
    const perms = (await t.req({ method: 'GET', url: `/api/events/${e.id}/permissions`, token: owner.access })).json();
    expect(perms.filter((p: { role: string }) => p.role === 'OWNER')).toHaveLength(1);
    expect(perms[0].user_id).toBe(owner.id);
    const ids = perms.map((p: { user_id: number }) => p.user_id);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await t.c.handle.db.selectFrom('event_permissions').selectAll().where('event_id', '=', e.id).execute();
    expect(rows).toHaveLength(perms.length);
  });
});
