import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appForFile } from './helpers/file-app.js';
import { createEvent, fieldsOf, freshSlot } from './helpers/events.js';
import { apply, historyApi, side, type Change, type Snap } from './helpers/history.js';

const { t, users: [owner, editor, viewer, stranger] } = appForFile({ users: ['own', 'edi', 'vie', 'str'] });

const { share, get, patch, rollback } = historyApi(() => t, () => owner);

describe('diff over a long random edit sequence', () => {
  it('turns snapshot i into snapshot j for every pair of versions (i, j)', async () => {
    const me = await t.user('seq');
    const t0 = Date.UTC(2035, 0, 1, 9);
    const e = await createEvent(t, me, { title: 'Sequence', description: 'alpha beta gamma', start_time: new Date(t0).toISOString(), end_time: new Date(t0 + 3600_000).toISOString() });
    const words = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'café', 'über', 'plan', '—', 'notes.', 'a\nb');
    const text = (max: number) => fc.array(words, { minLength: 1, maxLength: max }).map((w) => w.join(' '));
    const update = fc.record(
      {
        title: text(5),
        description: fc.oneof(text(20), fc.constant(null)),
        location: fc.oneof(text(3), fc.constant('')),
        shift: fc.record({ hours: fc.integer({ min: 0, max: 2000 }), length: fc.integer({ min: 1, max: 6 }) }),
        timezone: fc.constantFrom('UTC', 'Europe/Paris', 'Asia/Tokyo'),
        pattern: fc.constantFrom<unknown>(null, { rrule: 'FREQ=DAILY;COUNT=5' }, { frequency: 'WEEKLY', count: 4 }),
        cancelFirst: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    // Seeded, so a failure replays the same sequence.
    const steps = fc.sample(update, { seed: 20350101, numRuns: 30 });
    let current = e;
    for (const s of steps) {
      const payload: Record<string, unknown> = {};
      if (s.title !== undefined) payload.title = s.title;
      if (s.description !== undefined) payload.description = s.description;
      if (s.location !== undefined) payload.location = s.location;
      if (s.timezone !== undefined) payload.timezone = s.timezone;
      if (s.shift) {
        const start = t0 + s.shift.hours * 3600_000;
        payload.start_time = new Date(start).toISOString();
        payload.end_time = new Date(start + s.shift.length * 3600_000).toISOString();
      }
      if (s.pattern !== undefined) payload.recurrence_pattern = s.pattern;
      if (!Object.keys(payload).length) payload.title = `Sequence ${current.version}`;
      const res = await t.req({ method: 'PUT', url: `/api/events/${e.id}?check_conflicts=false`, token: me.access, payload });
      expect(res.statusCode, res.body).toBe(200);
      current = res.json();
      if (s.cancelFirst && current.is_recurring) {
        // Occurrence edits are versions too: exceptions must diff like any other field.
        const del = await t.req({ method: 'DELETE', url: `/api/events/${e.id}/occurrences/${current.start_time}`, token: me.access });
        expect(del.statusCode, del.body).toBe(204);
        current = await get(`/api/events/${e.id}`, me);
      }
    }
    const list = await get(`/api/events/${e.id}/history?limit=100`, me);
    const n = current.version;
    expect(n).toBeGreaterThan(20);
    expect(list.total).toBe(n);
    expect(list.items.map((i: { version: number }) => i.version)).toEqual(Array.from({ length: n }, (_, k) => n - k));
    const snaps = new Map<number, Snap>(list.items.map((i: { version: number; data: Snap }) => [i.version, i.data]));
    expect(snaps.get(n)).toEqual({
      title: current.title, description: current.description, location: current.location, start_time: current.start_time, end_time: current.end_time,
      timezone: current.timezone, is_recurring: current.is_recurring, recurrence_pattern: current.recurrence_pattern, exceptions: current.exceptions,
      uid: current.uid, all_day: current.all_day,
    });
    expect([...snaps.values()].some((s) => (s.exceptions as unknown[]).length > 0)).toBe(true);
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= n; j++) {
        const d = await get(`/api/events/${e.id}/diff/${i}/${j}`, me);
        expect(d).toMatchObject({ event_id: e.id, from_version: i, to_version: j });
        expect(apply(snaps.get(i)!, d.changes), `${i} → ${j}`).toEqual(snaps.get(j));
        for (const c of d.changes as Change[]) {
          expect(c.from).toEqual(snaps.get(i)![c.field]);
          if (c.field === 'title' || c.field === 'description') {
            expect(side(c.segments!, 'delete')).toBe(c.from);
            expect(side(c.segments!, 'insert')).toBe(c.to);
          } else {
            expect(c.segments).toBeUndefined();
          }
        }
        if (i === j) expect(d.changes).toEqual([]);
      }
    }
  }, 120_000);
});

describe('history and versions', () => {
  it('lists versions newest first with author, paginated, and reads one version', async () => {
    const e = await createEvent(t, owner, { title: 'Paged', ...freshSlot() });
    await share(e.id, [{ user: editor, role: 'EDITOR' }, { user: viewer, role: 'VIEWER' }]);
    expect((await patch(e.id, { title: 'Paged 2' })).statusCode).toBe(200);
    expect((await patch(e.id, { title: 'Paged 3' }, editor)).statusCode).toBe(200);
    const all = await get(`/api/events/${e.id}/history`, viewer);
    expect(all.total).toBe(3);
    expect(all.items.map((i: { version: number }) => i.version)).toEqual([3, 2, 1]);
    expect(all.items[0]).toMatchObject({ event_id: e.id, version: 3, data: { title: 'Paged 3', exceptions: [] }, created_by: { id: editor.id, username: editor.username } });
    expect(all.items[2].created_by).toEqual({ id: owner.id, username: owner.username });
    expect(all.items[0].created_at).toMatch(/Z$/);
    expect(Object.keys(all.items[0].data).sort()).toEqual(
      ['all_day', 'description', 'end_time', 'exceptions', 'is_recurring', 'location', 'recurrence_pattern', 'start_time', 'timezone', 'title', 'uid'],
    );
    const page = await get(`/api/events/${e.id}/history?skip=1&limit=1`, viewer);
    expect(page).toMatchObject({ total: 3, items: [{ version: 2, data: { title: 'Paged 2' } }] });
    const one = await get(`/api/events/${e.id}/history/2`, viewer);
    expect(one).toEqual(all.items[1]);
  });

  it('answers unknown versions with 404 and bad version ids with 400 naming the parameter', async () => {
    const e = await createEvent(t, owner, { title: 'Strict', ...freshSlot() });
    for (const url of [`/api/events/${e.id}/history/2`, `/api/events/${e.id}/diff/1/9`, `/api/events/${e.id}/diff/7/1`]) {
      const res = await t.req({ method: 'GET', url, token: owner.access });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().detail.code).toBe('NOT_FOUND');
    }
    expect((await rollback(e.id, 5)).statusCode).toBe(404);
    for (const bad of ['0', '-1', 'abc', '1.5', '99999999999']) {
      const res = await t.req({ method: 'GET', url: `/api/events/${e.id}/history/${bad}`, token: owner.access });
      expect(res.statusCode, bad).toBe(400);
      expect(fieldsOf(res)).toEqual(['versionId']);
      const rb = await rollback(e.id, bad);
      expect(rb.statusCode, bad).toBe(400);
      expect(fieldsOf(rb)).toEqual(['versionId']);
      const d1 = await t.req({ method: 'GET', url: `/api/events/${e.id}/diff/${bad}/1`, token: owner.access });
      expect(fieldsOf(d1)).toEqual(['versionId1']);
      const d2 = await t.req({ method: 'GET', url: `/api/events/${e.id}/diff/1/${bad}`, token: owner.access });
      expect(fieldsOf(d2)).toEqual(['versionId2']);
    }
    const badPage = await t.req({ method: 'GET', url: `/api/events/${e.id}/history?limit=0`, token: owner.access });
    expect(fieldsOf(badPage)).toEqual(['limit']);
    const unknownQuery = await t.req({ method: 'GET', url: `/api/events/${e.id}/changelog?page=2`, token: owner.access });
    expect(fieldsOf(unknownQuery)).toEqual(['page']);
  });

  it('hides history from people without a role (404) and requires auth (401)', async () => {
    const e = await createEvent(t, owner, { title: 'Secret', ...freshSlot() });
    for (const url of [`/api/events/${e.id}/history`, `/api/events/${e.id}/history/1`, `/api/events/${e.id}/changelog`, `/api/events/${e.id}/diff/1/1`]) {
      expect((await t.req({ method: 'GET', url, token: stranger.access })).statusCode, url).toBe(404);
      expect((await t.req({ method: 'GET', url })).statusCode, url).toBe(401);
    }
    expect((await rollback(e.id, 1, stranger)).statusCode).toBe(404);
    expect((await t.req({ method: 'GET', url: '/api/events/99999999/history', token: owner.access })).statusCode).toBe(404);
  });

  it('carries word-level segments on a description change', async () => {
    const e = await createEvent(t, owner, { title: 'Words', description: 'The quick brown fox jumps over the dog.', ...freshSlot() });
    expect((await patch(e.id, { description: 'The quick red fox leaps over the lazy dog.', location: 'Park' })).statusCode).toBe(200);
    const d = await get(`/api/events/${e.id}/diff/1/2`);
    expect(d.changes.map((c: Change) => c.field)).toEqual(['description', 'location']);
    const [description, location] = d.changes as Change[];
    expect(description).toEqual({
      field: 'description',
      from: 'The quick brown fox jumps over the dog.',
      to: 'The quick red fox leaps over the lazy dog.',
      segments: [
        { op: 'equal', text: 'The quick ' },
        { op: 'delete', text: 'brown' },
        { op: 'insert', text: 'red' },
        { op: 'equal', text: ' fox ' },
        { op: 'delete', text: 'jumps' },
        { op: 'insert', text: 'leaps' },
        { op: 'equal', text: ' over the ' },
        { op: 'insert', text: 'lazy ' },
        { op: 'equal', text: 'dog.' },
      ],
    });
    expect(location).toEqual({ field: 'location', from: '', to: 'Park' });
    const back = await get(`/api/events/${e.id}/diff/2/1`);
    expect(back.changes[0]).toMatchObject({ field: 'description', from: description.to, to: description.from });
    expect(side(back.changes[0].segments, 'delete')).toBe(description.to);
  });
});

describe('rollback', () => {
  it('appends a version equal to the old one, diffs as expected and is logged with its author', async () => {
    const e = await createEvent(t, owner, { title: 'Plan A', description: 'first idea', location: 'Room 1', ...freshSlot() });
    await share(e.id, [{ user: editor, role: 'EDITOR' }, { user: viewer, role: 'VIEWER' }]);
    expect((await patch(e.id, { title: 'Plan B', location: 'Room 2' })).statusCode).toBe(200);
    expect((await patch(e.id, { description: 'second idea' }, editor)).statusCode).toBe(200);
    const res = await rollback(e.id, 1, editor);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).toMatch(/^"v4-/);
    expect(res.headers['x-tandem-no-change']).toBeUndefined();
    expect(res.json()).toMatchObject({ id: e.id, title: 'Plan A', description: 'first idea', location: 'Room 1', version: 4, role: 'EDITOR', conflicts: [] });
    expect(res.json().permissions).toHaveLength(3);
    const v1 = await get(`/api/events/${e.id}/history/1`);
    const v4 = await get(`/api/events/${e.id}/history/4`);
    expect(v4.data).toEqual(v1.data);
    expect(v4.created_by).toEqual({ id: editor.id, username: editor.username });
    const d = await get(`/api/events/${e.id}/diff/3/4`);
    expect(d.changes.map((c: Change) => [c.field, c.from, c.to])).toEqual([
      ['title', 'Plan B', 'Plan A'],
      ['description', 'second idea', 'first idea'],
      ['location', 'Room 2', 'Room 1'],
    ]);
    const log = await get(`/api/events/${e.id}/changelog`, viewer);
    expect(log.items[0]).toMatchObject({
      version: 4, action: 'rolled_back', actor: { id: editor.id, username: editor.username }, target_user: null,
      summary: 'rolled back to version 1', changed_fields: ['title', 'description', 'location'], diff: { from_version: 3, to_version: 4 },
    });
    // Collaborators hear about it; the actor does not.
    const notes = await t.c.handle.db.selectFrom('notifications').select(['user_id', 'type']).where('event_id', '=', e.id).where('type', '=', 'event_rolled_back').execute();
    expect(notes.map((n) => n.user_id).sort((a, b) => a - b)).toEqual([owner.id, viewer.id].sort((a, b) => a - b));
  });

  it('writes nothing when the event already has that state, and says so', async () => {
    const e = await createEvent(t, owner, { title: 'Same', ...freshSlot() });
    expect((await patch(e.id, { title: 'Other' })).statusCode).toBe(200);
    expect((await patch(e.id, { title: 'Same' })).statusCode).toBe(200);
    const res = await rollback(e.id, 1);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-tandem-no-change']).toBe('true');
    expect(res.headers.etag).toMatch(/^"v3-/);
    expect(res.json()).toMatchObject({ title: 'Same', version: 3 });
    expect((await get(`/api/events/${e.id}/history`)).total).toBe(3);
    expect((await get(`/api/events/${e.id}/changelog`)).items[0].action).toBe('updated');
  });

  it('is editor-or-owner only', async () => {
    const e = await createEvent(t, owner, { title: 'Guarded', ...freshSlot() });
    await share(e.id, [{ user: viewer, role: 'VIEWER' }]);
    expect((await patch(e.id, { title: 'Guarded 2' })).statusCode).toBe(200);
    const res = await rollback(e.id, 1, viewer);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail.code).toBe('FORBIDDEN');
    expect((await get(`/api/events/${e.id}`)).version).toBe(2);
  });

  it('is conflict-checked like an update (check_conflicts)', async () => {
    const slotY = freshSlot();
    const slotZ = freshSlot();
    const b = await createEvent(t, owner, { title: 'Mover', ...slotY });
    expect((await patch(b.id, slotZ)).statusCode).toBe(200);
    const a = await createEvent(t, owner, { title: 'Squatter', ...slotY });
    const res = await rollback(b.id, 1);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().detail.conflicts).toEqual([expect.objectContaining({ event_id: a.id, title: 'Squatter' })]);
    expect((await get(`/api/events/${b.id}`)).version).toBe(2);
    const forced = await rollback(b.id, 1, owner, { query: '?check_conflicts=false' });
    expect(forced.statusCode, forced.body).toBe(200);
    expect(forced.json()).toMatchObject({ version: 3, start_time: a.start_time, conflicts: [expect.objectContaining({ event_id: a.id })] });
  });

  it('answers 409 for a deleted event, and works again once restored', async () => {
    const e = await createEvent(t, owner, { title: 'Phoenix', ...freshSlot() });
    await share(e.id, [{ user: viewer, role: 'VIEWER' }]);
    expect((await patch(e.id, { title: 'Phoenix 2' })).statusCode).toBe(200);
    expect((await t.req({ method: 'DELETE', url: `/api/events/${e.id}`, token: owner.access })).statusCode).toBe(204);
    const res = await rollback(e.id, 1);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail.code).toBe('CONFLICT');
    // History is kept and readable by role holders while deleted.
    expect((await get(`/api/events/${e.id}/history`, viewer)).total).toBe(2);
    expect((await get(`/api/events/${e.id}/history/1`, viewer)).data.title).toBe('Phoenix');
    expect((await get(`/api/events/${e.id}/diff/1/2`, viewer)).changes).toHaveLength(1);
    const log = await get(`/api/events/${e.id}/changelog`, viewer);
    expect(log.items[0]).toMatchObject({ action: 'deleted', version: 2, diff: null, changed_fields: [], actor: { id: owner.id, username: owner.username } });
    expect((await t.req({ method: 'GET', url: `/api/events/${e.id}/changelog`, token: stranger.access })).statusCode).toBe(404);
    expect((await t.req({ method: 'POST', url: `/api/events/${e.id}/restore`, token: owner.access })).statusCode).toBe(200);
    const after = await rollback(e.id, 1);
    expect(after.statusCode, after.body).toBe(200);
    expect(after.json()).toMatchObject({ title: 'Phoenix', version: 4 });
    const log2 = await get(`/api/events/${e.id}/changelog`);
    expect(log2.items.slice(0, 3).map((i: { action: string; diff: unknown }) => [i.action, i.diff])).toEqual([
      ['rolled_back', { from_version: 3, to_version: 4 }],
      ['restored', { from_version: 2, to_version: 3 }],
      ['deleted', null],
    ]);
  });
});

describe('changelog', () => {
  it('records every change with actor, target user, summary and fields, newest first', async () => {
    const e = await createEvent(t, owner, { title: 'Logged', ...freshSlot() });
    await share(e.id, [{ user: editor, role: 'EDITOR' }]);
    expect((await patch(e.id, { title: 'Logged 2', location: 'Hall' }, editor)).statusCode).toBe(200);
    const role = await t.req({ method: 'PUT', url: `/api/events/${e.id}/permissions/${editor.id}`, token: owner.access, payload: { role: 'VIEWER' } });
    expect(role.statusCode, role.body).toBe(200);
    const log = await get(`/api/events/${e.id}/changelog`, editor);
    expect(log.total).toBe(4);
    expect(log.items.map((i: { action: string }) => i.action)).toEqual(['permission_changed', 'updated', 'shared', 'created']);
    const [changed, updated, shared, created] = log.items;
    expect(changed).toMatchObject({ version: 2, actor: { id: owner.id }, target_user: { id: editor.id, username: editor.username }, changed_fields: [], diff: null });
    expect(updated).toMatchObject({
      version: 2, actor: { id: editor.id, username: editor.username }, target_user: null,
      summary: 'changed title and location', changed_fields: ['title', 'location'], diff: { from_version: 1, to_version: 2 },
    });
    expect(shared).toMatchObject({ version: 1, action: 'shared', target_user: { id: editor.id, username: editor.username }, diff: null });
    expect(created).toMatchObject({ version: 1, action: 'created', actor: { id: owner.id, username: owner.username }, diff: null, changed_fields: [] });
    expect(created.created_at).toMatch(/Z$/);
    const page = await get(`/api/events/${e.id}/changelog?skip=3&limit=5`);
    expect(page).toMatchObject({ total: 4, items: [{ action: 'created' }] });
  });
});

describe('OpenAPI', () => {
  it('documents the history routes, the rollback no-change header and the audit route', async () => {
    const doc = (await t.req({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['/api/events/{id}/history', '/api/events/{id}/history/{versionId}', '/api/events/{id}/changelog', '/api/events/{id}/diff/{versionId1}/{versionId2}', '/api/audit']) {
      expect(doc.paths[p]?.get, p).toBeTruthy();
    }
    const rb = doc.paths['/api/events/{id}/rollback/{versionId}'].post;
    expect(rb.security).toEqual([{ bearer: [] }]);
    expect(rb.responses['200'].headers['X-Tandem-No-Change']).toBeTruthy();
    expect(Object.keys(rb.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409', '412']));
  });
});
