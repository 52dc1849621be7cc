import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestUser } from './helpers/app.js';
import { appForFile } from './helpers/file-app.js';
import { createEvent, freshSlot } from './helpers/events.js';
import { openSocket as open, type WsClient as Client } from './helpers/ws-client.js';

const { t, users: [owner, editor, viewer] } = appForFile({ users: ['wso', 'wse', 'wsv'], listen: true });
const wsBase = () => t.url.replace(/^http/, 'ws');
const sockets: Client[] = [];

function connect(u: TestUser | string, query = ''): Promise<Client> {
  const token = typeof u === 'string' ? u : u.access;
  return open(`${wsBase()}/api/notifications/ws?token=${encodeURIComponent(token)}${query}`).then((c) => (sockets.push(c), c));
}

async function closeClient(c: Client) {
  c.ws.close();
  await c.closed;
}

async function share(o: TestUser, eventId: number, users: { user: TestUser; role: string }[]) {
  const res = await t.req({ method: 'POST', url: `/api/events/${eventId}/share`, token: o.access, payload: { users: users.map((u) => ({ user_id: u.user.id, role: u.role })) } });
  expect(res.statusCode, res.body).toBe(200);
}

async function update(u: TestUser, eventId: number, title: string) {
  const res = await t.req({ method: 'PUT', url: `/api/events/${eventId}`, token: u.access, payload: { title } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** An event owned by `owner`, shared with the editor and the viewer. */
async function sharedEvent(title: string) {
  const e = await createEvent(t, owner, { title, ...freshSlot() });
  await share(owner, e.id, [{ user: editor, role: 'EDITOR' }, { user: viewer, role: 'VIEWER' }]);
  return e;
}

afterAll(() => {
  for (const s of sockets) s.ws.terminate();
});

describe('notification socket', () => {
  it('pushes an update to every collaborator but the actor, on every socket of each', async () => {
    const e = await sharedEvent('Fan-out');
    const o = await connect(owner);
    const ed1 = await connect(editor);
    const ed2 = await connect(editor);
    const v = await connect(viewer);
    await update(owner, e.id, 'Fan-out v2');
    for (const c of [ed1, ed2, v]) {
      const m = await c.next();
      expect(m.type).toBe('notification');
      expect(Object.keys(m.data).sort()).toEqual(['actor_id', 'created_at', 'data', 'event_id', 'id', 'message', 'type']);
      expect(m.data).toMatchObject({ type: 'event_updated', event_id: e.id, actor_id: owner.id });
      expect(m.data.data).toMatchObject({ event_title: 'Fan-out v2', version: 2, changed_fields: ['title'] });
    }
    // The owner's own update never reached the owner: the first thing it hears is the editor's.
    await update(editor, e.id, 'Fan-out v3');
    const first = await o.next();
    expect(first.data).toMatchObject({ type: 'event_updated', actor_id: editor.id, event_id: e.id });
    expect(first.data.data.version).toBe(3);
    const metrics = await t.req({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(`websocket_connections ${t.c.hub.size()}`);
    for (const c of [o, ed1, ed2, v]) await closeClient(c);
  });

  it('replays what was missed with since=<id>, in order, then continues live', async () => {
    const e = await sharedEvent('Replay');
    const v1 = await connect(viewer);
    await update(owner, e.id, 'Replay 1');
    const seen = await v1.next();
    expect(seen.data.data.version).toBe(2);
    await closeClient(v1);
    for (const n of [2, 3, 4]) await update(owner, e.id, `Replay ${n}`);
    const v2 = await connect(viewer, `&since=${seen.data.id}`);
    const replayed = [await v2.next(), await v2.next(), await v2.next()];
    expect(replayed.map((m) => m.data.data.event_title)).toEqual(['Replay 2', 'Replay 3', 'Replay 4']);
    const ids = replayed.map((m) => m.data.id);
    expect(ids[0]).toBeGreaterThan(seen.data.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    await update(owner, e.id, 'Replay 5');
    const live = await v2.next();
    expect(live.data.data.event_title).toBe('Replay 5');
    expect(live.data.id).toBeGreaterThan(ids[2]);
    await closeClient(v2);
  });

  it('has no gap and no duplicate when writes race the replay', async () => {
    const e = await sharedEvent('Race');
    const v1 = await connect(viewer);
    await update(owner, e.id, 'Race 0');
    const since = (await v1.next()).data.id;
    await closeClient(v1);
    for (const n of [1, 2, 3]) await update(owner, e.id, `Race ${n}`);
    // Writes land while the socket connects and replays.
    const [v2] = await Promise.all([connect(viewer, `&since=${since}`), ...[4, 5, 6, 7, 8].map((n) => update(editor, e.id, `Race ${n}`))]);
    const got: number[] = [];
    const stored = await t.c.handle.db.selectFrom('notifications').select('id').where('user_id', '=', viewer.id).where('id', '>', since).orderBy('id').execute();
    expect(stored.length).toBe(8);
    while (got.length < stored.length) got.push((await v2.next()).data.id);
    expect(got).toEqual(stored.map((r) => r.id));
    // Nothing trails behind: the next message is a fresh one.
    await update(owner, e.id, 'Race sentinel');
    const sentinel = await v2.next();
    expect(sentinel.data.data.event_title).toBe('Race sentinel');
    await closeClient(v2);
  });

  it('closes the socket with 4001 when its session logs out', async () => {
    const login = await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: viewer.username, password: viewer.password } });
    expect(login.statusCode).toBe(200);
    const token = login.json().access_token;
    const c = await connect(token);
    const other = await connect(viewer);
    const out = await t.req({ method: 'POST', url: '/api/auth/logout', token });
    expect(out.statusCode).toBe(204);
    expect((await c.closed).code).toBe(4001);
    // The user's other session keeps its socket.
    const e = await sharedEvent('After logout');
    await update(owner, e.id, 'After logout v2');
    const m = await other.next();
    expect(m.data.event_id).toBe(e.id);
    await closeClient(other);
  });

  it('sends nothing more about an event once the user\'s access is removed', async () => {
    const e = await sharedEvent('Revoked');
    const v = await connect(viewer);
    const del = await t.req({ method: 'DELETE', url: `/api/events/${e.id}/permissions/${viewer.id}`, token: owner.access });
    expect(del.statusCode).toBe(204);
    const notice = await v.next();
    expect(notice.data).toMatchObject({ type: 'access_removed', event_id: e.id });
    await update(owner, e.id, 'Revoked v2');
    await update(editor, e.id, 'Revoked v3');
    // A stale message still in flight (written before the removal) is filtered too.
    await t.c.bus.publish('notifications.created', {
      items: [{ user_id: viewer.id, notification: { id: 2_000_000_000, type: 'event_updated', event_id: e.id, actor_id: owner.id, message: 'stale', data: {}, created_at: new Date(Date.now() - 60_000).toISOString() } }],
    });
    const other = await createEvent(t, owner, { title: 'Still shared', ...freshSlot() });
    await share(owner, other.id, [{ user: viewer, role: 'VIEWER' }]);
    const next = await v.next();
    expect(next.data).toMatchObject({ type: 'event_shared', event_id: other.id });
    // Shared again: messages about the event flow again.
    await share(owner, e.id, [{ user: viewer, role: 'VIEWER' }]);
    expect((await v.next()).data).toMatchObject({ type: 'event_shared', event_id: e.id });
    await update(owner, e.id, 'Revoked v4');
    expect((await v.next()).data.data.event_title).toBe('Revoked v4');
    await closeClient(v);
  });

  it('refuses an upgrade with a bad or missing token with 401, before upgrading', async () => {
    await expect(open(`${wsBase()}/api/notifications/ws?token=not-a-token`)).rejects.toMatchObject({ status: 401 });
    await expect(open(`${wsBase()}/api/notifications/ws`)).rejects.toMatchObject({ status: 401 });
    await expect(open(`${wsBase()}/api/notifications/ws?token=${viewer.refresh}`)).rejects.toMatchObject({ status: 401 });
    await expect(open(`${wsBase()}/api/notifications/ws?token=${viewer.access}&since=-1`)).rejects.toMatchObject({ status: 400 });
    const plain = await t.req({ method: 'GET', url: '/api/notifications/ws', token: viewer.access });
    expect(plain.statusCode).toBe(400);
  });

  it('caps sockets per user (4029 for the one over the cap)', async () => {
    const u = await t.user('wscap');
    const open20 = [];
    for (let i = 0; i < 20; i++) open20.push(await connect(u));
    const extra = await connect(u);
    expect((await extra.closed).code).toBe(4029);
    expect(t.c.hub.socketsOf(u.id)).toBe(20);
    for (const c of open20) await closeClient(c);
  });
});

describe('notification socket lifetime', () => {
  it('closes with 4001 when the access token expires', async () => {
    const short = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '3' });
    try {
      const base = (await short.listen()).replace(/^http/, 'ws');
      const u = await short.user('wsexp');
      const c = await open(`${base}/api/notifications/ws?token=${u.access}`);
      expect((await c.closed).code).toBe(4001);
    } finally {
      await short.close();
    }
  });
});
