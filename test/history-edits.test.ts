import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf, freshSlot } from './helpers/events.js';
import { historyApi, pause } from './helpers/history.js';

/* Concurrent edits (If-Match, base_version merge) and temporal reads (as_of). */
const { t, users: [owner, editor] } = appForFile({ users: ['own', 'edi'] });

const { share, get, patch, rollback } = historyApi(() => t, () => owner);

describe('concurrent edits', () => {
  it('merges edits of different fields from the same base_version, keeping both', async () => {
    const e = await createEvent(t, owner, { title: 'Base', location: 'Here', ...freshSlot() });
    await share(e.id, [{ user: editor, role: 'EDITOR' }]);
    const mine = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: owner.access, payload: { title: 'Owner title', location: 'Here', base_version: 1 } });
    expect(mine.statusCode, mine.body).toBe(200);
    const theirs = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: editor.access, payload: { title: 'Base', location: 'There', base_version: 1 } });
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect(theirs.json()).toMatchObject({ title: 'Owner title', location: 'There', version: 3 });
    // The same change made by both is not a conflict either.
    const same = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: editor.access, payload: { title: 'Owner title', base_version: 1 } });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json().version).toBe(3);
  });

  it('rejects edits of the same field from the same base_version with 409 listing {field, base, theirs, yours}', async () => {
    const e = await createEvent(t, owner, { title: 'Base', description: 'orig', ...freshSlot() });
    await share(e.id, [{ user: editor, role: 'EDITOR' }]);
    expect((await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: owner.access, payload: { title: 'Owner title', base_version: 1 } })).statusCode).toBe(200);
    const res = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: editor.access, payload: { title: 'Editor title', description: 'new', base_version: 1 } });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().detail.code).toBe('CONFLICT');
    expect(res.json().detail.conflicts).toEqual([{ field: 'title', base: 'Base', theirs: 'Owner title', yours: 'Editor title' }]);
    const now = await get(`/api/events/${e.id}`);
    expect(now).toMatchObject({ title: 'Owner title', description: 'orig', version: 2 });
    const future = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: editor.access, payload: { title: 'x', base_version: 9 } });
    expect(future.statusCode).toBe(400);
    expect(fieldsOf(future)).toEqual(['base_version']);
  });

  it('answers a stale If-Match with 412 and the current version on PUT, PATCH, DELETE and rollback', async () => {
    const e = await createEvent(t, owner, { title: 'Guard', ...freshSlot() });
    const staleTag = `"v1-0123456789"`;
    const fresh = await patch(e.id, { title: 'Guard 2' });
    expect(fresh.statusCode).toBe(200);
    const tag = fresh.headers.etag as string;
    const attempts = [
      () => t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: owner.access, payload: { title: 'x' }, headers: { 'if-match': staleTag } }),
      () => patch(e.id, { title: 'x' }, owner, { 'if-match': staleTag }),
      () => t.req({ method: 'DELETE', url: `/api/events/${e.id}`, token: owner.access, headers: { 'if-match': staleTag } }),
      () => rollback(e.id, 1, owner, { headers: { 'if-match': staleTag } }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.statusCode, res.body).toBe(412);
      expect(res.json().detail).toMatchObject({ code: 'PRECONDITION_FAILED', current_version: 2 });
    }
    const malformed = await rollback(e.id, 1, owner, { headers: { 'if-match': 'v2' } });
    expect(malformed.statusCode).toBe(400);
    expect(fieldsOf(malformed)).toEqual(['If-Match']);
    const ok = await rollback(e.id, 1, owner, { headers: { 'if-match': tag } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ title: 'Guard', version: 3 });
    const okPut = await t.req({ method: 'PUT', url: `/api/events/${e.id}`, token: owner.access, payload: { title: 'Guard 4' }, headers: { 'if-match': ok.headers.etag as string } });
    expect(okPut.statusCode).toBe(200);
    expect(okPut.json().version).toBe(4);
  });
});

describe('as_of', () => {
  it('reads the event as it stood: 404 before it existed, old state between updates, current state in the future', async () => {
    const e = await createEvent(t, owner, { title: 'First', ...freshSlot() });
    await pause(5);
    expect((await patch(e.id, { title: 'Second' })).statusCode).toBe(200);
    await pause(5);
    expect((await patch(e.id, { title: 'Third' })).statusCode).toBe(200);
    const versions = (await get(`/api/events/${e.id}/history`)).items;
    const at = (v: number) => versions.find((i: { version: number }) => i.version === v).created_at as string;
    const asOf = (ts: string) => t.req({ method: 'GET', url: `/api/events/${e.id}?as_of=${encodeURIComponent(ts)}`, token: owner.access });
    const before = await asOf(new Date(Date.parse(at(1)) - 60_000).toISOString());
    expect(before.statusCode).toBe(404);
    expect(before.json().detail.code).toBe('NOT_FOUND');
    expect((await asOf('2001-01-01T00:00:00Z')).statusCode).toBe(404);
    const between = await asOf(at(2));
    expect(between.statusCode).toBe(200);
    expect(between.json()).toMatchObject({ id: e.id, title: 'Second', version: 2 });
    const first = await asOf(new Date(Date.parse(at(2)) - 1).toISOString().replace('Z', '+00:00'));
    expect(first.json()).toMatchObject({ title: 'First', version: 1 });
    const future = await asOf('2999-01-01T00:00:00+02:00');
    expect(future.statusCode).toBe(200);
    expect(future.json()).toMatchObject({ title: 'Third', version: 3 });
    for (const bad of ['yesterday', '2030-13-01T00:00:00Z', '2030-01-01']) {
      const res = await asOf(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(fieldsOf(res)).toEqual(['as_of']);
    }
  });
});
