import { describe, expect, it } from 'vitest';
import { startTestApp, type TestUser } from './helpers/app.js';
import { appForFile } from './helpers/file-app.js';
import { createEvent, freshSlot } from './helpers/events.js';

const { t, users: [owner, bob] } = appForFile({ users: ['own', 'bob'] });

const get = (u: TestUser, id: number) => t.req({ method: 'GET', url: `/api/events/${id}`, token: u.access });
const list = async (u: TestUser) => (await t.req({ method: 'GET', url: '/api/events?limit=100', token: u.access })).json();

/** Reads twice (the second from the cache) so every later read must see a write through it. */
async function warm(u: TestUser, id: number) {
  await get(u, id);
  await get(u, id);
  await list(u);
  await list(u);
}

describe('read cache', () => {
  it('serves repeated reads from the cache (hits in /metrics)', async () => {
    const e = await createEvent(t, owner, { title: 'Cached', ...freshSlot() });
    const hits = async () => Number(/cache_hits_total (\d+)/.exec((await t.req({ method: 'GET', url: '/metrics' })).body)?.[1] ?? 0);
    const before = await hits();
    await warm(owner, e.id);
    expect(await hits()).toBeGreaterThan(before);
  });

  it('is invalidated by every kind of write', async () => {
    const e = await createEvent(t, owner, { title: 'v1', ...freshSlot() });
    await warm(owner, e.id);

    // update
    await t.req({ method: 'PATCH', url: `/api/events/${e.id}`, token: owner.access, payload: { title: 'v2' } });
    expect((await get(owner, e.id)).json().title).toBe('v2');
    expect((await list(owner)).items.find((i: { id: number }) => i.id === e.id).title).toBe('v2');

    // share: bob sees it at once, and the owner's permission list shows him
    await warm(bob, e.id);
    expect((await get(bob, e.id)).statusCode).toBe(404);
    await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: owner.access, payload: { user_id: bob.id, role: 'EDITOR' } });
    expect((await get(bob, e.id)).json().role).toBe('EDITOR');
    expect((await list(bob)).items.map((i: { id: number }) => i.id)).toContain(e.id);
    expect((await get(owner, e.id)).json().permissions).toHaveLength(2);

    // role change: the next request enforces it
    await warm(bob, e.id);
    await t.req({ method: 'PUT', url: `/api/events/${e.id}/permissions/${bob.id}`, token: owner.access, payload: { role: 'VIEWER' } });
    expect((await get(bob, e.id)).json().role).toBe('VIEWER');
    expect((await t.req({ method: 'PATCH', url: `/api/events/${e.id}`, token: bob.access, payload: { title: 'no' } })).statusCode).toBe(403);

    // rollback
    await warm(owner, e.id);
    const rb = await t.req({ method: 'POST', url: `/api/events/${e.id}/rollback/1`, token: owner.access });
    expect(rb.statusCode).toBe(200);
    expect((await get(owner, e.id)).json().title).toBe('v1');
    expect((await get(bob, e.id)).json().title).toBe('v1');

    // revoke
    await warm(bob, e.id);
    await t.req({ method: 'DELETE', url: `/api/events/${e.id}/permissions/${bob.id}`, token: owner.access });
    expect((await get(bob, e.id)).statusCode).toBe(404);
    expect((await list(bob)).items.map((i: { id: number }) => i.id)).not.toContain(e.id);

    // delete and restore
    await warm(owner, e.id);
    await t.req({ method: 'DELETE', url: `/api/events/${e.id}`, token: owner.access });
    expect((await get(owner, e.id)).statusCode).toBe(404);
    expect((await list(owner)).items.map((i: { id: number }) => i.id)).not.toContain(e.id);
    await t.req({ method: 'POST', url: `/api/events/${e.id}/restore`, token: owner.access });
    expect((await get(owner, e.id)).statusCode).toBe(200);

    // occurrence edits reach expanded listings
    const s = await createEvent(t, owner, { title: 'Series', start_time: '2045-01-02T09:00:00Z', end_time: '2045-01-02T10:00:00Z', recurrence_pattern: { rrule: 'FREQ=DAILY;COUNT=3' } });
    const window = '/api/events?expand=true&start_time=2045-01-01T00:00:00Z&end_time=2045-01-10T00:00:00Z';
    expect((await t.req({ method: 'GET', url: window, token: owner.access })).json().total).toBe(3);
    await t.req({ method: 'DELETE', url: `/api/events/${s.id}/occurrences/2045-01-03T09:00:00Z`, token: owner.access });
    expect((await t.req({ method: 'GET', url: window, token: owner.access })).json().total).toBe(2);
  });

  it('can be switched off', async () => {
    const off = await startTestApp({ CACHE_ENABLED: 'false' });
    try {
      const u = await off.user('nc');
      await off.req({ method: 'GET', url: '/api/users/me', token: u.access });
      await off.req({ method: 'GET', url: '/api/users/me', token: u.access });
      const m = (await off.req({ method: 'GET', url: '/metrics' })).body;
      expect(m).toMatch(/cache_hits_total 0/);
    } finally {
      await off.close();
    }
  });
});
