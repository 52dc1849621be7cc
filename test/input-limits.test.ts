import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf, freshSlot } from './helpers/events.js';

/* SPEC §11 inputs: NUL and lone surrogates, 32-bit integers, bounded error lists, exceptions per series, bad URLs. */
const { t, users: [u] } = appForFile({ users: ['lim'] });

const ev = (over: Record<string, unknown> = {}) => ({ title: 'Limits', ...freshSlot(), ...over });

async function eventCount(): Promise<number> {
  const r = await t.c.handle.db.selectFrom('events').select((x) => x.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(r?.n);
}

describe('hostile strings', () => {
  it('rejects U+0000 in a body, a login name and a query with 400 naming the field', async () => {
    const before = await eventCount();
    const create = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: ev({ title: 'a\u0000b' }) });
    expect(create.statusCode, create.body).toBe(400);
    expect(create.json().detail.code).toBe('VALIDATION_ERROR');
    expect(fieldsOf(create)).toEqual(['title']);
    expect(await eventCount()).toBe(before);

    const login = await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: 'x\u0000', password: 'whatever1' } });
    expect(login.statusCode).toBe(400);
    expect(fieldsOf(login)).toEqual(['username']);
    const form = await t.req({
      method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=a%00b&password=whatever1',
    });
    expect(form.statusCode).toBe(400);

    const q = await t.req({ method: 'GET', url: '/api/events?q=%00', token: u.access });
    expect(q.statusCode).toBe(400);
    expect(fieldsOf(q)).toEqual(['q']);
    const users = await t.req({ method: 'GET', url: '/api/users?q=a%00', token: u.access });
    expect(users.statusCode).toBe(400);
  });

  it('rejects unpaired UTF-16 surrogates and NUL in object keys', async () => {
    const lone = await t.req({ method: 'POST', url: '/api/events', token: u.access, headers: { 'content-type': 'application/json' }, payload: `{"title":"x\\ud800y","start_time":"2031-01-01T10:00:00Z","end_time":"2031-01-01T11:00:00Z"}` });
    expect(lone.statusCode).toBe(400);
    expect(fieldsOf(lone)).toEqual(['title']);
    const pair = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: ev({ title: 'emoji 😀 ok' }) });
    expect(pair.statusCode).toBe(201);
    const key = await t.req({ method: 'POST', url: '/api/events', token: u.access, headers: { 'content-type': 'application/json' }, payload: `{"ti\\u0000tle":"x"}` });
    expect(key.statusCode).toBe(400);
  });
});

describe('integers', () => {
  it('answers 400, never a database error, for numbers beyond 2 147 483 647', async () => {
    const e = await createEvent(t, u, ev());
    const big = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, headers: { 'content-type': 'application/json' }, payload: '{"title":"x","base_version":1e20}' });
    expect(big.statusCode, big.body).toBe(400);
    expect(fieldsOf(big)).toEqual(['base_version']);
    const justOver = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { title: 'x', base_version: 2_147_483_648 } });
    expect(justOver.statusCode).toBe(400);
    expect((await t.req({ method: 'GET', url: '/api/events/2147483648', token: u.access })).statusCode).toBe(400);
    expect((await t.req({ method: 'GET', url: '/api/events/99999999999999999999', token: u.access })).statusCode).toBe(400);
    const share = await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: u.access, payload: { user_id: 2 ** 31, role: 'viewer' } });
    expect(share.statusCode).toBe(400);
    const rule = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: ev({ recurrence_pattern: { frequency: 'daily', count: 1e15 } }) });
    expect(rule.statusCode).toBe(400);
    expect(fieldsOf(rule)).toEqual(['recurrence_pattern.count']);
    const skip = await t.req({ method: 'GET', url: '/api/notifications?skip=9999999999', token: u.access });
    expect(skip.statusCode).toBe(400);
  });
});

describe('numbers that are not finite', () => {
  // "Infinity" and "1e400" coerce to Infinity, which passes Ajv's integer and range checks; on
  // PostgreSQL it reached the driver and answered 500.
  it.each(['Infinity', '-Infinity', '1e400'])('answers 400 naming the field for %s in a path or a query', async (text) => {
    const path = await t.req({ method: 'GET', url: `/api/events/${text}`, token: u.access });
    expect(path.statusCode, path.body).toBe(400);
    expect(fieldsOf(path)).toEqual(['id']);
    const history = await t.req({ method: 'GET', url: `/api/events/1/history/${text}`, token: u.access });
    expect(history.statusCode, history.body).toBeGreaterThanOrEqual(400);
    expect(history.statusCode).toBeLessThan(500);
    const query = await t.req({ method: 'GET', url: `/api/notifications?limit=${text}`, token: u.access });
    expect(query.statusCode, query.body).toBe(400);
    expect(fieldsOf(query)).toEqual(['limit']);
  });
});

describe('validation error lists', () => {
  it('lists at most 20 problems and says when it cut the list', async () => {
    const events = Array.from({ length: 30 }, () => ({ title: '', start_time: 'no', end_time: 'no' }));
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events } });
    expect(res.statusCode).toBe(400);
    const d = res.json().detail;
    expect(d.errors).toHaveLength(20);
    expect(d.errors_truncated).toBe(true);
    const few = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: { title: '' } });
    expect(few.json().detail.errors_truncated).toBeUndefined();
  });

  it('stops early on a huge hostile batch: a small answer, not one error per item', async () => {
    const body = JSON.stringify({ events: Array.from({ length: 50_000 }, () => ({})) });
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, headers: { 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(400);
    const d = res.json().detail;
    expect(d.code).toBe('VALIDATION_ERROR');
    expect(d.errors.length).toBeGreaterThan(0);
    expect(d.errors.length).toBeLessThanOrEqual(20);
    expect(d.errors_truncated).toBe(true);
    expect(res.body.length).toBeLessThan(5_000);
  });
});

describe('exceptions per series', () => {
  it('accepts 1 000 exceptions and refuses the 1 001st with 400 naming exceptions', async () => {
    const e = await createEvent(t, u, { title: 'Daily', start_time: '2040-01-01T09:00:00Z', end_time: '2040-01-01T10:00:00Z', recurrence_pattern: { frequency: 'DAILY' } });
    // 999 cancelled occurrences written straight into the row (1 000 requests would be slow), then
    // the 1 000th and the 1 001st through the API.
    const exceptions = Array.from({ length: 999 }, (_, i) => ({ original_start: new Date(Date.UTC(2040, 0, 2 + i, 9)).toISOString().replace('.000Z', 'Z'), status: 'cancelled' }));
    await t.c.handle.db.updateTable('events').set({ exceptions: JSON.stringify(exceptions) }).where('id', '=', e.id).execute();
    await t.c.readCache.bump([`e:${e.id}`]);
    const ok = await t.req({ method: 'DELETE', url: `/api/events/${e.id}/occurrences/2043-01-01T09:00:00Z`, token: u.access });
    expect(ok.statusCode, ok.body).toBe(204);
    const over = await t.req({ method: 'DELETE', url: `/api/events/${e.id}/occurrences/2043-01-02T09:00:00Z`, token: u.access });
    expect(over.statusCode).toBe(400);
    expect(fieldsOf(over)).toEqual(['exceptions']);
    const change = await t.req({ method: 'PUT', url: `/api/events/${e.id}/occurrences/2043-01-03T09:00:00Z`, token: u.access, payload: { title: 'moved' } });
    expect(change.statusCode).toBe(400);
    // Editing an existing exception does not add one.
    const again = await t.req({ method: 'PUT', url: `/api/events/${e.id}/occurrences/2043-01-01T09:00:00Z`, token: u.access, payload: { title: 'back' } });
    expect(again.statusCode, again.body).toBe(200);
  });
});

describe('malformed URLs', () => {
  it('answers a bad percent-encoding with 400 BAD_REQUEST in the envelope', async () => {
    for (const url of ['/api/events/%E0%A4%A', '/api/%', '/api/events/%zz']) {
      const res = await t.req({ method: 'GET', url, token: u.access });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().detail.code, url).toBe('BAD_REQUEST');
    }
  });
});
