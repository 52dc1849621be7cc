import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { collectionOf, dav, davUser, vevent, type DavUser } from './helpers.js';

const hrefsOf = (xml: string) => [...xml.matchAll(/<d:href>([^<]+)<\/d:href>/g)].map((m) => m[1]);

// Issue #14: two owners import the same .ics and both share it with one user; each event keeps its own href there.
describe('events with the same UID in one calendar', () => {
  let t: TestApp;
  let a: DavUser;
  let c: DavUser;
  let u: DavUser;
  const uid = 'same-uid-shared@example.com';
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp();
    [a, c, u] = [await davUser(t, 'sua'), await davUser(t, 'suc'), await davUser(t, 'suu')];
    for (const [owner, title] of [[a, 'From A'], [c, 'From C']] as const) {
      const imp = await t.req({ method: 'POST', url: '/api/events/import', token: owner.access, headers: { 'content-type': 'text/calendar' }, payload: vevent(uid, { summary: title }) });
      expect(imp.statusCode, imp.body).toBe(200);
      const list = (await t.req({ method: 'GET', url: '/api/events?limit=10', token: owner.access })).json().items as { id: number; uid: string }[];
      ids[title] = list.find((e) => e.uid === uid)!.id;
      const share = await t.req({ method: 'POST', url: `/api/events/${ids[title]}/share`, token: owner.access, payload: { user_id: u.id, role: 'EDITOR' } });
      expect(share.statusCode, share.body).toBe(200);
    }
  });
  afterAll(async () => t.close());

  it('lists both with distinct hrefs; GET, multiget, sync, PUT and DELETE each reach the right event', async () => {
    const col = collectionOf(u);
    const [first, second] = ids['From A'] < ids['From C'] ? ['From A', 'From C'] : ['From C', 'From A'];
    const plain = `${col}${uid}.ics`;
    const suffixed = `${col}same-uid-shared@example.com~${ids[second]}.ics`;

    const listing = await dav(t, u, 'PROPFIND', col, '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>', { depth: '1' });
    expect(listing.statusCode).toBe(207);
    expect(hrefsOf(listing.body).filter((h) => h !== col).sort()).toEqual([plain, suffixed].sort());

    const get1 = await dav(t, u, 'GET', plain);
    const get2 = await dav(t, u, 'GET', suffixed);
    expect([get1.statusCode, get2.statusCode]).toEqual([200, 200]);
    expect(get1.body).toContain(`SUMMARY:${first}`);
    expect(get2.body).toContain(`SUMMARY:${second}`);
    expect(get1.headers.etag).not.toBe(get2.headers.etag);

    const mg = await dav(t, u, 'REPORT', col, `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><d:href>${plain}</d:href><d:href>${suffixed}</d:href></c:calendar-multiget>`);
    expect(mg.statusCode).toBe(207);
    expect(mg.body).not.toContain('404');
    expect(mg.body).toContain(`SUMMARY:${first}`);
    expect(mg.body).toContain(`SUMMARY:${second}`);

    const sync = await dav(t, u, 'REPORT', col, '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>');
    expect(hrefsOf(sync.body).sort()).toEqual([plain, suffixed].sort());
    const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(sync.body)![1];

    // Each owner still sees their own event under the plain name.
    for (const o of [a, c]) expect((await dav(t, o, 'GET', `${collectionOf(o)}${uid}.ics`)).statusCode).toBe(200);

    // PUT to the suffixed href changes the second owner's event only.
    const put = await dav(t, u, 'PUT', suffixed, vevent(uid, { summary: 'Edited by U' }), { 'content-type': 'text/calendar', 'if-match': String(get2.headers.etag) });
    expect(put.statusCode, put.body).toBe(204);
    const byTitle = async (title: string) => (await t.req({ method: 'GET', url: `/api/events/${ids[title]}`, token: u.access })).json().title;
    expect(await byTitle(second)).toBe('Edited by U');
    expect(await byTitle(first)).toBe(first);

    // DELETE of the suffixed href leaves only that event; sync reports that href gone and keeps the other.
    expect((await dav(t, u, 'DELETE', suffixed)).statusCode).toBe(204);
    const next = await dav(t, u, 'REPORT', col, `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`);
    expect(next.body).toContain(`<d:href>${suffixed}</d:href><d:status>HTTP/1.1 404 Not Found</d:status>`);
    expect(next.body).not.toContain(`<d:href>${plain}</d:href><d:status>`);
    expect((await dav(t, u, 'GET', plain)).body).toContain(`SUMMARY:${first}`);
    expect((await t.req({ method: 'GET', url: `/api/events/${ids[second]}`, token: u.access })).statusCode).toBe(404);
  });

  it('when the event holding the plain name leaves, the other lists under it and its suffixed href keeps working', async () => {
    const col = collectionOf(u);
    const d = await davUser(t, 'sud');
    const imp = await t.req({ method: 'POST', url: '/api/events/import', token: d.access, headers: { 'content-type': 'text/calendar' }, payload: vevent(uid, { summary: 'From D' }) });
    expect(imp.statusCode, imp.body).toBe(200);
    const idD = ((await t.req({ method: 'GET', url: '/api/events?limit=10', token: d.access })).json().items as { id: number; uid: string }[]).find((e) => e.uid === uid)!.id;
    expect((await t.req({ method: 'POST', url: `/api/events/${idD}/share`, token: d.access, payload: { user_id: u.id, role: 'EDITOR' } })).statusCode).toBe(200);
    const suffixed = `${col}${uid}~${idD}.ics`;
    expect((await dav(t, u, 'GET', suffixed)).body).toContain('SUMMARY:From D');

    expect((await dav(t, u, 'DELETE', `${col}${uid}.ics`)).statusCode).toBe(204);
    const listing = await dav(t, u, 'PROPFIND', col, '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>', { depth: '1' });
    expect(hrefsOf(listing.body).filter((h) => h !== col)).toEqual([`${col}${uid}.ics`]);
    expect((await dav(t, u, 'GET', `${col}${uid}.ics`)).body).toContain('SUMMARY:From D');
    expect((await dav(t, u, 'GET', suffixed)).body).toContain('SUMMARY:From D');
    expect((await dav(t, u, 'GET', `${col}other~${idD}.ics`)).statusCode).toBe(404);
  });
});
