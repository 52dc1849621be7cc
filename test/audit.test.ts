import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, freshSlot } from './helpers/events.js';
import { historyApi } from './helpers/history.js';

const { t, users: [owner] } = appForFile({ users: ['own'] });

const { get, patch, rollback } = historyApi(() => t, () => owner);

describe('audit', () => {
  it('lists the caller\'s own rows only, with their outcomes, newest first', async () => {
    const a = await t.user('auda');
    const b = await t.user('audb');
    const login = await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: a.username, password: a.password } });
    expect(login.statusCode).toBe(200);
    const ea = await createEvent(t, a, { title: 'Audited', ...freshSlot() });
    expect((await patch(ea.id, { title: 'Audited 2' }, a)).statusCode).toBe(200);
    expect((await patch(ea.id, { title: 'x' }, a, { 'if-match': '"v1"' })).statusCode).toBe(412);
    expect((await rollback(ea.id, 1, a)).statusCode).toBe(200);
    const eb = await createEvent(t, b, { title: 'Other', ...freshSlot() });

    const res = await t.req({ method: 'GET', url: '/api/audit', token: a.access });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const count = await t.c.handle.db.selectFrom('audit_log').select((x) => x.fn.countAll<number>().as('n')).where('user_id', '=', a.id).executeTakeFirst();
    expect(body.total).toBe(Number(count?.n));
    expect(body.items.map((i: { action: string; outcome: string }) => `${i.action}:${i.outcome}`)).toEqual([
      'event.rollback:ok', 'event.update:invalid', 'event.update:ok', 'event.create:ok', 'auth.login:ok', 'auth.register:ok',
    ]);
    expect(body.items.every((i: { event_id: number | null }) => i.event_id === null || i.event_id === ea.id)).toBe(true);
    expect(body.items[0]).toMatchObject({ event_id: ea.id, outcome: 'ok', details: { to_version: 1 } });
    expect(body.items[0].ip).toBeTruthy();
    expect(body.items[0].created_at).toMatch(/Z$/);
    expect(body.items[1].details).toMatchObject({ error: 'PRECONDITION_FAILED' });
    const ids = body.items.map((i: { id: number }) => i.id);
    expect([...ids].sort((x: number, y: number) => y - x)).toEqual(ids);

    const theirs = (await get('/api/audit?limit=100', b)).items;
    expect(theirs.map((i: { action: string }) => i.action)).toEqual(['event.create', 'auth.register']);
    expect(theirs[0].event_id).toBe(eb.id);
    const page = await get('/api/audit?skip=1&limit=2', a);
    expect(page.total).toBe(body.total);
    expect(page.items.map((i: { id: number }) => i.id)).toEqual(ids.slice(1, 3));
    expect((await t.req({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
  });
});

describe('audit of failed auth operations', () => {
  it('records a refused registration as invalid and an invalid refresh token as denied', async () => {
    const u = await t.user('dup');
    const before = await t.c.handle.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const dup = await t.req({ method: 'POST', url: '/api/auth/register', payload: { username: u.username, email: `other-${u.email}`, password: 'long-enough-password' } });
    expect(dup.statusCode).toBe(409);
    const bad = await t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: 'not-a-token' } });
    expect(bad.statusCode).toBe(401);
    const rows = await t.c.handle.db.selectFrom('audit_log').selectAll().where('id', '>', before?.id ?? 0).orderBy('id').execute();
    expect(rows.map((r) => [r.action, r.outcome, r.user_id])).toEqual([
      ['auth.register', 'invalid', null],
      ['auth.refresh', 'denied', null],
    ]);
    expect(rows.every((r) => r.ip)).toBe(true);
  });
});
