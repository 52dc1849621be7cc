import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FILE_LIMITS } from '../../src/services/dav-files.service.js';
import { dav, davUser, type DavUser } from './helpers.js';

const LIT = 'http://example.com/ns/';
const hrefsOf = (xml: string) => [...xml.matchAll(/<d:href>([^<]+)<\/d:href>/g)].map((m) => m[1]);
const patch = (ops: string) => `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:x="${LIT}">${ops}</d:propertyupdate>`;
const getProps = (names: string) => `<d:propfind xmlns:d="DAV:" xmlns:x="${LIT}"><d:prop>${names}</d:prop></d:propfind>`;

// Plain WebDAV folders below the calendar home: per user, within limits, the calendar untouched.
describe('plain WebDAV folders', () => {
  let t: TestApp;
  let u: DavUser;
  let other: DavUser;
  let home: string;

  beforeAll(async () => {
    t = await startTestApp();
    u = await davUser(t, 'wf');
    other = await davUser(t, 'wfo');
    home = `/dav/calendars/${u.username}/`;
  });
  afterAll(async () => t.close());

  it('MKCOL, PUT, GET, PROPFIND listing, COPY and MOVE with Overwrite, DELETE of a folder', async () => {
    expect((await dav(t, u, 'MKCOL', `${home}docs/`)).statusCode).toBe(201);
    expect((await dav(t, u, 'MKCOL', `${home}docs/`)).statusCode).toBe(405);
    expect((await dav(t, u, 'MKCOL', `${home}nope/deeper/`)).statusCode).toBe(409);
    expect((await dav(t, u, 'MKCOL', `${home}docs/withbody/`, '<x/>')).statusCode).toBe(415);
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const put = await t.app.inject({ method: 'PUT', url: `${home}docs/a.bin`, headers: { authorization: u.basic, 'content-type': 'application/octet-stream' }, payload: bytes });
    expect(put.statusCode).toBe(201);
    const got = await dav(t, u, 'GET', `${home}docs/a.bin`);
    expect(got.rawPayload.equals(bytes)).toBe(true);
    expect(got.headers.etag).toBe(put.headers.etag);
    expect((await dav(t, u, 'PUT', `${home}docs/a.bin`, 'new', { 'if-none-match': '*' })).statusCode).toBe(412);

    const list = await dav(t, u, 'PROPFIND', `${home}docs/`, undefined, { depth: '1' });
    expect(list.statusCode).toBe(207);
    expect(hrefsOf(list.body)).toEqual([`${home}docs/`, `${home}docs/a.bin`]);
    expect(list.body).toContain('<d:getcontentlength>7</d:getcontentlength>');
    // The home lists the calendar and the folder; the calendar is still a calendar.
    const homeList = await dav(t, u, 'PROPFIND', home, getProps('<d:resourcetype/>'), { depth: '1' });
    expect(hrefsOf(homeList.body)).toEqual([home, `${home}events/`, `${home}docs/`]);
    expect((await dav(t, u, 'MKCOL', `${home}events/`)).statusCode).toBe(403);

    const copy = await dav(t, u, 'COPY', `${home}docs/`, undefined, { destination: `http://localhost${home}copy/` });
    expect(copy.statusCode).toBe(201);
    expect((await dav(t, u, 'GET', `${home}copy/a.bin`)).rawPayload.equals(bytes)).toBe(true);
    expect((await dav(t, u, 'COPY', `${home}docs/a.bin`, undefined, { destination: `${home}copy/a.bin`, overwrite: 'F' })).statusCode).toBe(412);
    expect((await dav(t, u, 'MOVE', `${home}docs/a.bin`, undefined, { destination: `${home}copy/a.bin`, overwrite: 'T' })).statusCode).toBe(204);
    expect((await dav(t, u, 'GET', `${home}docs/a.bin`)).statusCode).toBe(404);
    expect((await dav(t, u, 'MOVE', `${home}copy/`, undefined, { destination: `${home}copy/inside/` })).statusCode).toBe(409);
    expect((await dav(t, u, 'COPY', `${home}copy/`, undefined, { destination: `/dav/calendars/${other.username}/stolen/` })).statusCode).toBe(403);
    expect((await dav(t, u, 'COPY', `${home}copy/`, undefined, { destination: `${home}events/x.ics` })).statusCode).toBe(403);

    // Another user sees none of it.
    expect((await dav(t, other, 'GET', `${home}copy/a.bin`)).statusCode).toBe(404);
    expect((await dav(t, other, 'PROPFIND', `/dav/calendars/${other.username}/copy/`, undefined, { depth: '0' })).statusCode).toBe(404);

    expect((await dav(t, u, 'DELETE', `${home}copy/`)).statusCode).toBe(204);
    expect((await dav(t, u, 'GET', `${home}copy/a.bin`)).statusCode).toBe(404);
    expect((await dav(t, u, 'DELETE', `${home}copy/`)).statusCode).toBe(404);
  });

  it('concurrent writes to one path: one MKCOL creates, the others get 405; concurrent PUTs never fail', async () => {
    const mk = await Promise.all(Array.from({ length: 12 }, () => dav(t, u, 'MKCOL', `${home}race/`)));
    expect(mk.map((r) => r.statusCode).sort()).toEqual([201, ...Array(11).fill(405)]);
    const puts = await Promise.all(Array.from({ length: 12 }, (_, i) => dav(t, u, 'PUT', `${home}race/f.txt`, `v${i}`)));
    const codes = puts.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 204)).toHaveLength(11);
    const list = await dav(t, u, 'PROPFIND', `${home}race/`, undefined, { depth: '1' });
    expect(hrefsOf(list.body)).toEqual([`${home}race/`, `${home}race/f.txt`]);
  });

  it('PROPPATCH is all or nothing: a protected property → 403, the rest → 424, nothing stored', async () => {
    await dav(t, u, 'PUT', `${home}p.txt`, 'hello', { 'content-type': 'text/plain' });
    const failed = await dav(t, u, 'PROPPATCH', `${home}p.txt`, patch('<d:set><d:prop><x:color>red</x:color><d:getetag>"x"</d:getetag></d:prop></d:set>'));
    expect(failed.statusCode).toBe(207);
    expect(failed.body).toMatch(/<d:getetag\/><\/d:prop><d:status>HTTP\/1.1 403/);
    expect(failed.body).toMatch(/<x\d+:color\/><\/d:prop><d:status>HTTP\/1.1 424/);
    const after = await dav(t, u, 'PROPFIND', `${home}p.txt`, getProps('<x:color/>'));
    expect(after.body).toContain('404 Not Found');

    const ok = await dav(t, u, 'PROPPATCH', `${home}p.txt`, patch('<d:set><d:prop><x:color>red</x:color><x:tree><x:leaf a="1">v</x:leaf></x:tree></d:prop></d:set>'));
    expect(ok.body).toContain('HTTP/1.1 200 OK');
    const back = await dav(t, u, 'PROPFIND', `${home}p.txt`, getProps('<x:color/><x:tree/>'));
    expect(back.body).toMatch(/>red<\/x\d+:color>/);
    expect(back.body).toMatch(/<x\d+:leaf a="1">v<\/x\d+:leaf>/);
  });

  it('limits: depth and name length (414), property count and size (507 propstat), size (413), entries per user (507)', async () => {
    const deep = Array.from({ length: FILE_LIMITS.segments + 1 }, (_, i) => `d${i}`);
    expect((await dav(t, u, 'MKCOL', `${home}${deep.join('/')}/`)).statusCode).toBe(414);
    expect((await dav(t, u, 'PUT', `${home}${'n'.repeat(FILE_LIMITS.segmentChars + 1)}`, 'x')).statusCode).toBe(414);
    expect((await dav(t, u, 'PUT', `${home}big.bin`, 'x'.repeat(FILE_LIMITS.fileBytes + 1))).statusCode).toBe(413);
    await dav(t, u, 'PUT', `${home}lim.txt`, 'x');
    const huge = await dav(t, u, 'PROPPATCH', `${home}lim.txt`, patch(`<d:set><d:prop><x:big>${'v'.repeat(FILE_LIMITS.propValue + 1)}</x:big><x:small>s</x:small></d:prop></d:set>`));
    expect(huge.body).toMatch(/<x\d+:big\/><\/d:prop><d:status>HTTP\/1.1 507/);
    expect(huge.body).toMatch(/<x\d+:small\/><\/d:prop><d:status>HTTP\/1.1 424/);
    const many = Array.from({ length: FILE_LIMITS.props + 1 }, (_, i) => `<x:p${i}>v</x:p${i}>`).join('');
    const tooMany = await dav(t, u, 'PROPPATCH', `${home}lim.txt`, patch(`<d:set><d:prop>${many}</d:prop></d:set>`));
    expect(tooMany.body).toContain('HTTP/1.1 507');
    expect(tooMany.body).not.toContain('200 OK');

    // Fill the quota to one short of the limit directly, then the last MKCOL fits and the next one does not.
    const { count } = await t.c.handle.db.selectFrom('dav_files').where('user_id', '=', u.id).select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
    const rows = Array.from({ length: FILE_LIMITS.entries - Number(count) - 1 }, (_, i) => ({
      user_id: u.id, path: `fill${i}`, parent: '', is_collection: 1, content: null, content_type: null, size: 0, etag: '"f"', created_at: 1, updated_at: 1,
    }));
    for (let i = 0; i < rows.length; i += 200) await t.c.handle.db.insertInto('dav_files').values(rows.slice(i, i + 200)).execute();
    expect((await dav(t, u, 'MKCOL', `${home}last/`)).statusCode).toBe(201);
    const full = await dav(t, u, 'MKCOL', `${home}one-more/`);
    expect(full.statusCode).toBe(507);
    expect(full.body).toContain(`At most ${FILE_LIMITS.entries} files and folders`);
    expect((await dav(t, u, 'PUT', `${home}one-more.txt`, 'x')).statusCode).toBe(507);
    // Others are unaffected by one user's quota.
    expect((await dav(t, other, 'MKCOL', `/dav/calendars/${other.username}/mine/`)).statusCode).toBe(201);
  });
});
