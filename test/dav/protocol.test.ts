import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { collectionOf, dav, davUser, vevent, type DavUser } from './helpers.js';

const CAL = 'urn:ietf:params:xml:ns:caldav';
const propfind = (props: string, ns = `xmlns:d="DAV:" xmlns:c="${CAL}" xmlns:cs="http://calendarserver.org/ns/"`) =>
  `<?xml version="1.0" encoding="utf-8"?><d:propfind ${ns}><d:prop>${props}</d:prop></d:propfind>`;
const hrefsOf = (xml: string) => [...xml.matchAll(/<d:href>([^<]+)<\/d:href>/g)].map((m) => m[1]);

describe('CalDAV protocol details clients rely on', () => {
  let t: TestApp;
  let a: DavUser;
  let b: DavUser;
  const put = (u: DavUser, name: string, body: string, headers: Record<string, string> = {}) =>
    dav(t, u, 'PUT', collectionOf(u) + name, body, { 'content-type': 'text/calendar; charset=utf-8', ...headers });

  beforeAll(async () => {
    t = await startTestApp();
    a = await davUser(t, 'pa');
    b = await davUser(t, 'pb');
  });
  afterAll(async () => t.close());

  it('discovery: well-known redirect, OPTIONS, principal and collection properties whatever the prefixes', async () => {
    const wk = await t.app.inject({ method: 'GET', url: '/.well-known/caldav' });
    expect(wk.statusCode).toBe(301);
    expect(wk.headers.location).toBe('/dav/');
    const opt = await dav(t, a, 'OPTIONS', collectionOf(a));
    expect(opt.headers.dav).toBe('1, 3, calendar-access');
    expect(String(opt.headers.allow)).toContain('REPORT');

    // Odd prefixes and a default namespace resolve the same.
    const p = await dav(t, a, 'PROPFIND', `/dav/principals/${a.username}/`,
      `<X:propfind xmlns:X="DAV:"><X:prop><Y:calendar-user-address-set xmlns:Y="${CAL}"/><calendar-home-set xmlns="${CAL}"/><X:displayname/></X:prop></X:propfind>`, { depth: '0' });
    expect(p.statusCode).toBe(207);
    expect(p.body).toContain(`<d:href>mailto:${a.email}</d:href>`);
    expect(p.body).toContain(`<cal:calendar-home-set><d:href>/dav/calendars/${a.username}/</d:href>`);

    const home = await dav(t, a, 'PROPFIND', `/dav/calendars/${a.username}/`, propfind('<d:resourcetype/>'), { depth: '1' });
    expect(hrefsOf(home.body)).toEqual([`/dav/calendars/${a.username}/`, collectionOf(a)]);

    const c = await dav(t, a, 'PROPFIND', collectionOf(a), propfind(
      '<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><c:supported-calendar-component-set/><d:supported-report-set/><d:current-user-privilege-set/><c:calendar-timezone/><d:getcontenttype/><d:unknown-thing/><z:color xmlns:z="http://example.com/z"/>',
    ), { depth: '0' });
    expect(c.statusCode).toBe(207);
    expect(c.body).toContain('<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>');
    expect(c.body).toContain('<cal:comp name="VEVENT"/>');
    for (const r of ['cal:calendar-query', 'cal:calendar-multiget', 'd:sync-collection', 'cal:free-busy-query']) {
      expect(c.body).toContain(`<d:supported-report><d:report><${r}/></d:report></d:supported-report>`);
    }
    expect(c.body).toMatch(/TZID:(Etc\/)?UTC/);
    // Unknown properties come back under a 404 propstat, in their own namespace.
    expect(c.body).toMatch(/<d:propstat><d:prop><d:unknown-thing\/><x\d+:color\/><\/d:prop><d:status>HTTP\/1.1 404 Not Found<\/d:status>/);
  });

  it('PUT: create-only and stale ETags get 412, one UID per object, components and data are checked', async () => {
    const body = vevent('put-1@test');
    const created = await put(a, 'put-1.ics', body, { 'if-none-match': '*' });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBeUndefined(); // stored bytes differ from what was sent: the client fetches
    expect((await put(a, 'put-1.ics', body, { 'if-none-match': '*' })).statusCode).toBe(412);
    expect((await put(a, 'put-1.ics', body, { 'if-match': '"v9-0000000000"' })).statusCode).toBe(412);
    const got = await dav(t, a, 'GET', collectionOf(a) + 'put-1.ics');
    expect(got.headers['content-type']).toContain('text/calendar');

    // Sending back exactly what the server stores gets the ETag (and changes nothing).
    const same = await put(a, 'put-1.ics', got.body, { 'if-match': String(got.headers.etag) });
    expect(same.statusCode).toBe(204);
    expect(same.headers.etag).toBe(got.headers.etag);

    const refuse = async (name: string, ics: string, condition: string) => {
      const res = await put(a, name, ics);
      expect(res.statusCode, name).toBe(403);
      expect(res.body).toContain(`<cal:${condition}`);
    };
    await refuse('todo.ics', body.replace(/VEVENT/g, 'VTODO'), 'supported-calendar-component');
    await refuse('two.ics', body.replace('END:VCALENDAR', vevent('other@test').split('\r\n').slice(3, -2).join('\r\n') + '\r\nEND:VCALENDAR'), 'valid-calendar-object-resource');
    await refuse('junk.ics', 'this is not iCalendar', 'valid-calendar-data');
    await refuse('elsewhere.ics', vevent('put-1@test', { summary: 'same uid' }), 'no-uid-conflict');
    const conflict = await put(a, 'elsewhere.ics', vevent('put-1@test'));
    expect(conflict.body).toContain(`<cal:no-uid-conflict><d:href>${collectionOf(a)}put-1.ics</d:href>`);
  });

  it('one PUT that changes the event is one version; one that changes nothing is none; ETags agree with REST', async () => {
    expect((await put(a, 'ver.ics', vevent('ver@test', { summary: 'v1' }))).statusCode).toBe(201);
    const ev = (await t.req({ method: 'GET', url: '/api/events?limit=100', token: a.access })).json().items.find((e: { uid: string }) => e.uid === 'ver@test');
    const etag = async () => (await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: a.access })).headers.etag;
    const e1 = await etag();
    expect((await dav(t, a, 'GET', collectionOf(a) + 'ver.ics')).headers.etag).toBe(e1);
    expect((await put(a, 'ver.ics', vevent('ver@test', { summary: 'v2', start: '20300105T080000Z' }), { 'if-match': String(e1) })).statusCode).toBe(204);
    expect((await put(a, 'ver.ics', vevent('ver@test', { summary: 'v2', start: '20300105T080000Z' }))).statusCode).toBe(204);
    const history = (await t.req({ method: 'GET', url: `/api/events/${ev.id}/history`, token: a.access })).json();
    expect(history.total).toBe(2);
    const e2 = await etag();
    expect(e2).not.toBe(e1);
    // A REST change (even a share, which makes no version) changes the CalDAV ETag too.
    await t.req({ method: 'POST', url: `/api/events/${ev.id}/share`, token: a.access, payload: { user_id: b.id, role: 'EDITOR' } });
    const e3 = (await dav(t, a, 'GET', collectionOf(a) + 'ver.ics')).headers.etag;
    expect(e3).toBe(await etag());
    expect(e3).not.toBe(e2);
    // The client's name stays after a REST edit; the editor sees the same name.
    await t.req({ method: 'PATCH', url: `/api/events/${ev.id}`, token: a.access, payload: { title: 'v3' } });
    const list = await dav(t, b, 'PROPFIND', collectionOf(b), propfind('<d:getetag/>'), { depth: '1' });
    expect(hrefsOf(list.body)).toContain(`${collectionOf(b)}ver.ics`);
  });

  it('REST events are named <uid>.ics with the UID percent-encoded; privileges follow the role', async () => {
    const ev = (await t.req({ method: 'POST', url: '/api/events', token: a.access, payload: { uid: 'a b/c?d@x', title: 'R', start_time: '2030-03-01T10:00:00Z', end_time: '2030-03-01T11:00:00Z' } })).json();
    expect(ev.uid).toBe('a b/c?d@x');
    const name = 'a%20b%2Fc%3Fd@x.ics';
    const got = await dav(t, a, 'GET', collectionOf(a) + name);
    expect(got.statusCode).toBe(200);
    expect(got.body).toContain('UID:a b/c?d@x');
    await t.req({ method: 'POST', url: `/api/events/${ev.id}/share`, token: a.access, payload: { user_id: b.id, role: 'VIEWER' } });
    const privs = async (u: DavUser) =>
      [...(await dav(t, u, 'PROPFIND', collectionOf(u) + name, propfind('<d:current-user-privilege-set/>'), { depth: '0' })).body.matchAll(/<d:privilege><d:([a-z-]+)\/>/g)].map((m) => m[1]);
    expect(await privs(b)).toEqual(['read', 'read-current-user-privilege-set']);
    expect(await privs(a)).toEqual(expect.arrayContaining(['all', 'write-content', 'unbind']));
    const viewerPut = await put(b, name, got.body);
    expect(viewerPut.statusCode).toBe(403);
    await t.req({ method: 'PUT', url: `/api/events/${ev.id}/permissions/${b.id}`, token: a.access, payload: { role: 'EDITOR' } });
    expect(await privs(b)).toContain('write-content');
  });

  it('multiget names a missing href with its own 404; calendar-query matches UID text and occurrences', async () => {
    await put(a, 'q-weekly.ics', vevent('q-weekly@test', { summary: 'Weekly', start: '20300701T090000Z', end: '20300701T100000Z', extra: 'RRULE:FREQ=WEEKLY;COUNT=10' }));
    const mg = await dav(t, a, 'REPORT', collectionOf(a),
      `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="${CAL}"><d:prop><d:getetag/></d:prop><d:href>${collectionOf(a)}q-weekly.ics</d:href><d:href>${collectionOf(a)}nope.ics</d:href></c:calendar-multiget>`, { depth: '1' });
    expect(mg.statusCode).toBe(207);
    expect(mg.body).toContain(`<d:response><d:href>${collectionOf(a)}nope.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>`);
    const query = (filter: string) => dav(t, a, 'REPORT', collectionOf(a),
      `<c:calendar-query xmlns:d="DAV:" xmlns:c="${CAL}"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">${filter}</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`, { depth: '1' });
    expect(hrefsOf((await query('<c:prop-filter name="UID"><c:text-match collation="i;octet">q-weekly@test</c:text-match></c:prop-filter>')).body)).toEqual([`${collectionOf(a)}q-weekly.ics`]);
    // The 7th weekly occurrence (2030-08-12) is inside; a Tuesday-only window between occurrences is not.
    expect(hrefsOf((await query('<c:time-range start="20300812T000000Z" end="20300813T000000Z"/>')).body)).toContain(`${collectionOf(a)}q-weekly.ics`);
    expect(hrefsOf((await query('<c:time-range start="20300813T000000Z" end="20300814T000000Z"/>')).body)).not.toContain(`${collectionOf(a)}q-weekly.ics`);
  });

  it('sync-collection: tolerant of Depth 1, lost access and deletions as 404, a bad token → valid-sync-token', async () => {
    const sync = (u: DavUser, token: string) => dav(t, u, 'REPORT', collectionOf(u),
      `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`, { depth: '1' });
    const ev = (await t.req({ method: 'POST', url: '/api/events', token: a.access, payload: { title: 'S', start_time: '2030-09-01T10:00:00Z', end_time: '2030-09-01T11:00:00Z' } })).json();
    await t.req({ method: 'POST', url: `/api/events/${ev.id}/share`, token: a.access, payload: { user_id: b.id, role: 'VIEWER' } });
    const first = await sync(b, '');
    expect(first.statusCode).toBe(207);
    const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(first.body)![1];
    expect((await t.req({ method: 'DELETE', url: `/api/events/${ev.id}/permissions/${b.id}`, token: a.access })).statusCode).toBe(204);
    const next = await sync(b, token);
    expect(next.body).toContain(`<d:href>${collectionOf(b)}${encodeURIComponent(ev.uid).replace(/%40/g, '@')}.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status>`);
    for (const bad of ['http://tandem.invalid/ns/sync/garbage', 'urn:other', 'http://tandem.invalid/ns/sync/' + Buffer.from(JSON.stringify({ v: 1, id: 1e9, ts: Date.now() })).toString('base64url')]) {
      const res = await sync(b, bad);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('<d:valid-sync-token/>');
    }
  });

  it('DELETE: a non-owner leaves the event, the owner deletes it (restorable)', async () => {
    const ev = (await t.req({ method: 'POST', url: '/api/events', token: a.access, payload: { title: 'D', start_time: '2030-10-01T10:00:00Z', end_time: '2030-10-01T11:00:00Z' } })).json();
    await t.req({ method: 'POST', url: `/api/events/${ev.id}/share`, token: a.access, payload: { user_id: b.id, role: 'EDITOR' } });
    const name = `${ev.uid}.ics`;
    expect((await dav(t, b, 'DELETE', collectionOf(b) + name)).statusCode).toBe(204);
    expect((await dav(t, b, 'GET', collectionOf(b) + name)).statusCode).toBe(404);
    expect((await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: a.access })).statusCode).toBe(200);
    expect((await dav(t, a, 'DELETE', collectionOf(a) + name, undefined, { 'if-match': '"v7-0000000000"' })).statusCode).toBe(412);
    expect((await dav(t, a, 'DELETE', collectionOf(a) + name)).statusCode).toBe(204);
    expect((await t.req({ method: 'POST', url: `/api/events/${ev.id}/restore`, token: a.access })).statusCode).toBe(200);
    expect((await dav(t, a, 'GET', collectionOf(a) + name)).statusCode).toBe(200);
  });

  it('floating times take the collection calendar-timezone (PROPPATCH); conflicts never refuse a CalDAV write', async () => {
    const tz = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n';
    const pp = await dav(t, b, 'PROPPATCH', collectionOf(b), `<d:propertyupdate xmlns:d="DAV:" xmlns:c="${CAL}"><d:set><d:prop><c:calendar-timezone>${tz}</c:calendar-timezone></d:prop></d:set></d:propertyupdate>`);
    expect(pp.statusCode).toBe(207);
    expect(pp.body).toContain('200 OK');
    expect((await put(b, 'floating.ics', vevent('floating@test', { start: '20301105T090000', end: '20301105T100000' }))).statusCode).toBe(201);
    const list = (await t.req({ method: 'GET', url: '/api/events?limit=100', token: b.access })).json().items;
    expect(list.find((e: { uid: string }) => e.uid === 'floating@test')).toMatchObject({ start_time: '2030-11-05T08:00:00Z', timezone: 'Europe/Berlin' });
    const clash = await put(b, 'clash.ics', vevent('clash@test', { start: '20301105T083000Z', end: '20301105T093000Z' }));
    expect(clash.statusCode).toBe(201);
    const audit = (await t.req({ method: 'GET', url: '/api/audit?limit=5', token: b.access })).json().items.find((i: { action: string }) => i.action === 'event.create');
    expect(audit.details.conflicts[0]).toMatchObject({ title: 'Meeting', start_time: '2030-11-05T08:00:00Z' });
    const fb = await dav(t, b, 'REPORT', collectionOf(b), `<c:free-busy-query xmlns:c="${CAL}"><c:time-range start="20301105T000000Z" end="20301106T000000Z"/></c:free-busy-query>`, { depth: '1' });
    expect(fb.statusCode).toBe(200);
    expect(fb.body).toContain('FREEBUSY;FBTYPE=BUSY:20301105T080000Z/20301105T093000Z');
  });

  it('garbage gets a 4xx with a DAV error body, never a 5xx', async () => {
    const cases: [string, string, string | undefined, Record<string, string>, number][] = [
      ['PROPFIND', collectionOf(a), '<d:propfind xmlns:d="DAV:"><d:prop>', { depth: '0' }, 400],
      ['PROPFIND', collectionOf(a), '<a>'.repeat(200) + '</a>'.repeat(200), { depth: '0' }, 400],
      ['PROPFIND', collectionOf(a), '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>', { depth: '0' }, 400],
      ['PROPFIND', collectionOf(a), '<p:propfind/>', { depth: '0' }, 400],
      ['PROPFIND', collectionOf(a), undefined, { depth: 'banana' }, 400],
      ['PROPFIND', collectionOf(a), undefined, { depth: 'infinity' }, 403],
      ['REPORT', collectionOf(a), '<d:nonsense xmlns:d="DAV:"/>', {}, 403],
      ['REPORT', collectionOf(a), '', {}, 400],
      ['GET', `${collectionOf(a)}%E0%A4%A.ics`, undefined, {}, 400],
      ['GET', `${collectionOf(a)}../../x`, undefined, {}, 404],
      ['GET', '/dav/nowhere/', undefined, {}, 404],
      ['POST', collectionOf(a), 'x', {}, 405],
      ['MKCALENDAR', `/dav/calendars/${a.username}/other/`, undefined, {}, 403],
      ['PUT', collectionOf(a), 'x', {}, 405],
      ['PUT', collectionOf(a) + 'big.ics', 'x'.repeat(1_100_000), { 'content-type': 'text/calendar' }, 413],
    ];
    for (const [method, url, body, headers, code] of cases) {
      const res = await dav(t, a, method, url, body, headers);
      expect(res.statusCode, `${method} ${url} ${String(body).slice(0, 30)}`).toBe(code);
    }
    const bad = await dav(t, a, 'PROPFIND', collectionOf(a), '<d:propfind xmlns:d="DAV:"><d:prop>', { depth: '0' });
    expect(bad.headers['content-type']).toContain('application/xml');
    expect(bad.body).toContain('<d:error');
  });
});
