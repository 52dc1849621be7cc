import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf, freshSlot } from './helpers/events.js';

const { t, users: [u] } = appForFile({ users: ['ev'] });

describe('events CRUD', () => {
  it('creates with 201, Location and ETag, and reads it back', async () => {
    const res = await t.req({
      method: 'POST', url: '/api/events', token: u.access,
      payload: { title: 'Kickoff', description: 'First meeting', location: 'Room 1', start_time: '2030-05-01T10:00:00+02:00', end_time: '2030-05-01T11:00:00+02:00', timezone: 'Europe/Berlin' },
    });
    expect(res.statusCode).toBe(201);
    const e = res.json();
    expect(res.headers.location).toBe(`/api/events/${e.id}`);
    expect(res.headers.etag).toMatch(/^"v1-/);
    expect(e).toMatchObject({
      title: 'Kickoff', description: 'First meeting', location: 'Room 1',
      start_time: '2030-05-01T08:00:00Z', end_time: '2030-05-01T09:00:00Z', timezone: 'Europe/Berlin',
      is_recurring: false, recurrence_pattern: null, exceptions: [], created_by: u.id, version: 1, role: 'OWNER', conflicts: [],
    });
    const get = await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access });
    expect(get.statusCode).toBe(200);
    expect(get.json().permissions).toEqual([{ user_id: u.id, username: u.username, role: 'OWNER' }]);
    expect(get.headers.etag).toBeTruthy();
    const again = await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access, headers: { 'if-none-match': get.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    const versions = await t.c.handle.db.selectFrom('event_versions').selectAll().where('event_id', '=', e.id).execute();
    expect(versions.map((v) => v.version)).toEqual([1]);
  });

  it('updates partially with PUT and PATCH, one version per real change', async () => {
    const e = await createEvent(t, u, { title: 'Draft', ...freshSlot() });
    const put = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { title: 'Final' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ title: 'Final', version: 2, start_time: e.start_time });
    const patch = await t.req({ method: 'PATCH', url: `/api/events/${e.id}`, token: u.access, payload: { location: 'Online' } });
    expect(patch.json()).toMatchObject({ title: 'Final', location: 'Online', version: 3 });
    const same = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: u.access, payload: { title: 'Final', location: 'Online' } });
    expect(same.statusCode).toBe(200);
    expect(same.json().version).toBe(3);
    const versions = await t.c.handle.db.selectFrom('event_versions').select('version').where('event_id', '=', e.id).orderBy('version').execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('rejects bad input with 400 naming the field and writes nothing', async () => {
    const before = await t.c.handle.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T10:00:00Z' }, ['end_time']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T09:00:00Z' }, ['end_time']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', timezone: 'Mars/Olympus' }, ['timezone']],
      [{ title: '', start_time: 'yesterday', end_time: '2030-01-01T11:00:00Z' }, ['start_time', 'title']],
      [{ title: 'x'.repeat(201), description: 'd'.repeat(10_001), location: 'l'.repeat(501), start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z' }, ['description', 'location', 'title']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', id: 4, version: 2, created_by: 1, exceptions: [] }, ['created_by', 'exceptions', 'id', 'version']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', is_recurring: true }, ['recurrence_pattern']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', is_recurring: false, recurrence_pattern: { rrule: 'FREQ=DAILY' } }, ['recurrence_pattern']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', recurrence_pattern: { rrule: 'FREQ=HOURLY' } }, ['recurrence_pattern.rrule']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', recurrence_pattern: { frequency: 'WEEKLY', interval: -1 } }, ['recurrence_pattern.interval']],
      [{ title: 'x', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T11:00:00Z', recurrence_pattern: { rrule: 'FREQ=WEEKLY;COUNT=2;UNTIL=20300301T000000Z' } }, ['recurrence_pattern.rrule']],
      [{ start_time: '2030-01-01T10:00:00Z' }, ['end_time', 'title']],
    ];
    for (const [payload, fields] of cases) {
      const res = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 120)).toBe(400);
      expect(res.json().detail.code).toBe('VALIDATION_ERROR');
      expect(fieldsOf(res), JSON.stringify(payload).slice(0, 120)).toEqual(fields);
    }
    const after = await t.c.handle.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
    for (const url of ['/api/events/0', '/api/events/-3', '/api/events/abc', '/api/events/1.5']) {
      const res = await t.req({ method: 'GET', url, token: u.access });
      expect(res.statusCode, url).toBe(400);
      expect(fieldsOf(res)).toEqual(['id']);
    }
    const badUpdate = await t.req({ method: 'PUT', url: '/api/events/1', token: u.access, payload: { end_time: '2000-01-01T00:00:00Z' } });
    expect([400, 404]).toContain(badUpdate.statusCode);
  });

  it('rejects an update that would leave end before start, naming end_time', async () => {
    const e = await createEvent(t, u, { title: 'Span', ...freshSlot() });
    const res = await t.req({ method: 'PATCH', url: `/api/events/${e.id}`, token: u.access, payload: { end_time: e.start_time } });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['end_time']);
    const get = await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access });
    expect(get.json().version).toBe(1);
  });

  it('deletes (owner) softly: gone from reads and lists, restorable', async () => {
    const e = await createEvent(t, u, { title: 'Temporary', ...freshSlot() });
    const del = await t.req({ method: 'DELETE', url: `/api/events/${e.id}`, token: u.access });
    expect(del.statusCode).toBe(204);
    expect((await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access })).statusCode).toBe(404);
    const list = await t.req({ method: 'GET', url: '/api/events?limit=100', token: u.access });
    expect(list.json().items.map((i: { id: number }) => i.id)).not.toContain(e.id);
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e.id}`, token: u.access })).statusCode).toBe(404);
    const restored = await t.req({ method: 'POST', url: `/api/events/${e.id}/restore`, token: u.access });
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ id: e.id, title: 'Temporary', version: 2 });
    expect((await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access })).statusCode).toBe(200);
  });

  it('hides other people\'s events behind 404', async () => {
    const e = await createEvent(t, u, { title: 'Private', ...freshSlot() });
    const stranger = await t.user('str');
    for (const [method, payload] of [['GET', undefined], ['PUT', { title: 'x' }], ['PATCH', { title: 'x' }], ['DELETE', undefined]] as const) {
      const res = await t.req({ method, url: `/api/events/${e.id}`, token: stranger.access, payload });
      expect(res.statusCode).toBe(404);
    }
    expect((await t.req({ method: 'GET', url: '/api/events/999999', token: u.access })).statusCode).toBe(404);
  });
});

describe('batch', () => {
  it('creates all events in one go', async () => {
    const events = [1, 2, 3].map((i) => ({ title: `Batch ${i}`, ...freshSlot() }));
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events } });
    expect(res.statusCode).toBe(201);
    expect(res.json().created).toBe(3);
    expect(res.json().events.map((e: { title: string }) => e.title)).toEqual(['Batch 1', 'Batch 2', 'Batch 3']);
  });

  it('is all or nothing: one bad event creates none and names its index', async () => {
    const before = await t.req({ method: 'GET', url: '/api/events?limit=1', token: u.access });
    const events = [{ title: 'ok', ...freshSlot() }, { title: 'ok2', ...freshSlot() }, { title: 'ok3', ...freshSlot() }, { title: 'bad', start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T09:00:00Z' }];
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events } });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['events[3].end_time']);
    const unknown = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events: [{ title: 'a', ...freshSlot(), color: 'red' }] } });
    expect(fieldsOf(unknown)).toEqual(['events[0].color']);
    const after = await t.req({ method: 'GET', url: '/api/events?limit=1', token: u.access });
    expect(after.json().total).toBe(before.json().total);
  });

  it('rejects an empty batch and one over 100', async () => {
    expect((await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events: [] } })).statusCode).toBe(400);
    const many = Array.from({ length: 101 }, () => ({ title: 'x', ...freshSlot() }));
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events: many } });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['events']);
  });

  it('answers 413 for a batch body over 1 MiB even when every field is within its limit', async () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ title: `Big ${i} `.padEnd(200, 't'), description: 'd'.repeat(10_000), location: 'l'.repeat(500), ...freshSlot() }));
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events } });
    expect(res.statusCode).toBe(413);
    expect(res.json().detail.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts events as MessagePack and answers in MessagePack', async () => {
    const { encode, decode } = await import('@msgpack/msgpack');
    const res = await t.req({
      method: 'POST', url: '/api/events', token: u.access, payload: Buffer.from(encode({ title: 'Packed', ...freshSlot() })),
      headers: { 'content-type': 'application/msgpack', accept: 'application/msgpack' },
    });
    expect(res.statusCode).toBe(201);
    const e = decode(res.rawPayload) as { id: number; title: string };
    expect(e.title).toBe('Packed');
    const json = await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access });
    const packed = await t.req({ method: 'GET', url: `/api/events/${e.id}`, token: u.access, headers: { accept: 'application/x-msgpack' } });
    expect(decode(packed.rawPayload)).toEqual(json.json());
  });

  it('rolls back when one event conflicts with another in the same batch', async () => {
    const slot = freshSlot();
    const res = await t.req({ method: 'POST', url: '/api/events/batch', token: u.access, payload: { events: [{ title: 'A', ...slot }, { title: 'B', ...slot }] } });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail.conflicts[0]).toMatchObject({ event_id: null, index: 0, title: 'A' });
  });
});
