import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarMultiGet, createDAVClient } from 'tsdav';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { davUser, notificationsSocket, vevent, type DavUser } from './helpers.js';

// tsdav (npm), as a web or Node app would use it, against the app listening on a real port.
describe('tsdav client', () => {
  let t: TestApp;
  let base: string;
  let owner: DavUser;
  let viewer: DavUser;
  let client: Awaited<ReturnType<typeof createDAVClient>>;

  beforeAll(async () => {
    t = await startTestApp();
    base = await t.listen();
    owner = await davUser(t, 'tsd');
    viewer = await davUser(t, 'tsv');
    client = await createDAVClient({
      serverUrl: `${base}/.well-known/caldav`,
      credentials: { username: owner.username, password: owner.appPassword },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
    });
  });
  afterAll(async () => t.close());

  it('discovers the principal, home and the one calendar', async () => {
    const calendars = await client.fetchCalendars();
    expect(calendars).toHaveLength(1);
    expect(new URL(calendars[0].url).pathname).toBe(`/dav/calendars/${owner.username}/events/`);
    expect(calendars[0].components).toEqual(['VEVENT']);
    expect(calendars[0].displayName).toBe('Tandem');
    expect(calendars[0].syncToken).toMatch(/^http/);
  });

  it('writes, queries, multigets and syncs; a write shows up in REST history and on the WebSocket', async () => {
    const [calendar] = await client.fetchCalendars();
    const created = await client.createCalendarObject({ calendar, filename: 'weekly-sync.ics', iCalString: vevent('tsdav-1@test', { summary: 'Planning', extra: 'RRULE:FREQ=WEEKLY;COUNT=4' }) });
    expect(created.status).toBe(201);

    const rest = (await t.req({ method: 'GET', url: '/api/events?limit=100', token: owner.access })).json().items;
    const ev = rest.find((e: { uid: string }) => e.uid === 'tsdav-1@test');
    expect(ev).toMatchObject({ title: 'Planning', is_recurring: true, start_time: '2030-01-05T09:00:00Z' });
    expect((await t.req({ method: 'POST', url: `/api/events/${ev.id}/share`, token: owner.access, payload: { user_id: viewer.id, role: 'VIEWER' } })).statusCode).toBe(200);

    // calendar-query with a time range: the second weekly occurrence matches, expanded in UTC.
    const inRange = await client.fetchCalendarObjects({ calendar, timeRange: { start: '2030-01-12T00:00:00Z', end: '2030-01-13T00:00:00Z' }, expand: true });
    expect(inRange).toHaveLength(1);
    expect(inRange[0].data).toContain('RECURRENCE-ID:20300112T090000Z');
    expect(inRange[0].data).not.toContain('RRULE');
    const outside = await client.fetchCalendarObjects({ calendar, timeRange: { start: '2031-01-01T00:00:00Z', end: '2031-02-01T00:00:00Z' } });
    expect(outside).toHaveLength(0);

    // multiget by URL: the object's ETag is the REST ETag of the same user.
    const [obj] = await client.fetchCalendarObjects({ calendar, objectUrls: [new URL(`weekly-sync.ics`, calendar.url).href] });
    expect(obj.url).toContain('/weekly-sync.ics');
    const restGet = await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access });
    expect(obj.etag).toBe(restGet.headers.etag);

    // The viewer hears of an edit through CalDAV over its WebSocket.
    const ws = await notificationsSocket(base, viewer.access);
    const updated = await client.updateCalendarObject({ calendarObject: { ...obj, data: obj.data.replace('SUMMARY:Planning', 'SUMMARY:Planning (moved)') } });
    expect(updated.status).toBe(204);
    const note = await ws.next();
    expect(note).toMatchObject({ type: 'notification', data: { event_id: ev.id, type: 'event_updated' } });
    ws.close();
    const history = (await t.req({ method: 'GET', url: `/api/events/${ev.id}/history`, token: owner.access })).json();
    expect(history.total).toBe(2);
    expect(history.items[0].data.title ?? history.items[0].data.snapshot?.title).toBe('Planning (moved)');

    // Sync: a REST edit and a REST delete come through sync-collection.
    const before = { ...calendar, objects: await client.fetchCalendarObjects({ calendar }), objectMultiGet: calendarMultiGet };
    const restEdit = await t.req({ method: 'PATCH', url: `/api/events/${ev.id}`, token: owner.access, payload: { location: 'Room 4' } });
    expect(restEdit.statusCode).toBe(200);
    const synced = await client.smartCollectionSync({ collection: before, method: 'webdav', detailedResult: true });
    expect(synced.objects.updated.map((o) => o.url)).toEqual([obj.url]);
    expect(synced.objects.updated[0].data).toContain('LOCATION:Room 4');
    expect(synced.objects.updated[0].etag).toBe((await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).headers.etag);

    const del = await client.deleteCalendarObject({ calendarObject: synced.objects.updated[0] });
    expect(del.status).toBe(204);
    expect((await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).statusCode).toBe(404);
    const after = await client.smartCollectionSync({ collection: { ...before, syncToken: synced.syncToken, objects: synced.objects.updated }, method: 'webdav', detailedResult: true });
    expect(after.objects.deleted.map((o) => o.url)).toEqual([obj.url]);
  });

  it('a viewer reads but cannot write', async () => {
    const ev = (await t.req({ method: 'POST', url: '/api/events', token: owner.access, payload: { title: 'Review', start_time: '2030-02-01T10:00:00Z', end_time: '2030-02-01T11:00:00Z' } })).json();
    await t.req({ method: 'POST', url: `/api/events/${ev.id}/share`, token: owner.access, payload: { user_id: viewer.id, role: 'VIEWER' } });
    const vc = await createDAVClient({ serverUrl: `${base}/.well-known/caldav`, credentials: { username: viewer.username, password: viewer.appPassword }, authMethod: 'Basic', defaultAccountType: 'caldav' });
    const [calendar] = await vc.fetchCalendars();
    const objs = await vc.fetchCalendarObjects({ calendar });
    const mine = objs.find((o) => o.data.includes('SUMMARY:Review'))!;
    expect(mine).toBeTruthy();
    const res = await vc.updateCalendarObject({ calendarObject: { ...mine, data: mine.data.replace('SUMMARY:Review', 'SUMMARY:Hacked') } });
    expect(res.status).toBe(403);
    expect((await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).json().title).toBe('Review');
  });
});
