/**
 * Hostile input for the plain WebDAV methods (SPEC §11): MKCOL, PROPPATCH, MOVE, COPY, plain PUT
 * and PROPFIND on a user's folders, each generated request carrying a certain reason to be refused
 * (malformed or hostile XML, bad Destination/Overwrite/Depth headers, hostile path segments, failed
 * preconditions). Every answer must be a 4xx with a DAV error body (or the JSON envelope), never a
 * 5xx or a leak, and the database must not change. Runs on SQLite and PostgreSQL.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDumps, dumpDatabase } from './helpers/db-dump.js';
import { envelopeProblem, leakIn } from './helpers/hostile-send.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { dav, davUser, type DavUser } from './dav/helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_REQUESTS ?? 600);
const EXCLUDED = ['audit_log', 'kysely_migration', 'kysely_migration_lock'];

interface Req {
  method: string;
  url: string;
  body?: string;
  headers: Record<string, string>;
  why: string;
}

const VALID_PATCH = '<?xml version="1.0" encoding="utf-8"?><d:propertyupdate xmlns:d="DAV:" xmlns:x="http://example.com/x/"><d:set><d:prop><x:a>1</x:a></d:prop></d:set></d:propertyupdate>';
const BAD_XML = [
  '<d:propertyupdate xmlns:d="DAV:"><d:set>',
  '<foo>',
  '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><bar:foo xmlns:bar=""/></d:prop></d:set></d:propertyupdate>',
  '<!DOCTYPE x [<!ENTITY e "eeeeeeeeee"><!ENTITY f "&e;&e;&e;&e;">]><x>&f;</x>',
  '<d:propertyupdate xmlns:d="DAV:">' + '<d:x>'.repeat(100) + '</d:x>'.repeat(100) + '</d:propertyupdate>',
  '<u:propertyupdate/>',
  '<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>',
  '<d:propertyupdate xmlns:d="DAV:"></d:propertyupdate>',
  '\u0000\u0001<<>>',
  '<a><b></a></b>',
];
const BAD_SEGMENTS = ['%00', '%2F', '%E0%A4%A', '..', '.', 'n'.repeat(300), '%0A%0D', 'x%00y'];

// Plain WebDAV methods against hostile input: never a 5xx, a rejected request changes nothing.
describe('hostile input to the plain WebDAV folders', () => {
  let t: TestApp;
  let u: DavUser;
  let other: DavUser;
  let home: string;

  beforeAll(async () => {
    t = await startTestApp();
    u = await davUser(t, 'hdv');
    other = await davUser(t, 'hdo');
    home = `/dav/calendars/${u.username}/`;
    expect((await dav(t, u, 'MKCOL', `${home}docs/`)).statusCode).toBe(201);
    expect((await dav(t, u, 'MKCOL', `${home}docs/sub/`)).statusCode).toBe(201);
    expect((await dav(t, u, 'PUT', `${home}docs/f.txt`, 'content', { 'content-type': 'text/plain' })).statusCode).toBe(201);
    expect((await dav(t, u, 'PROPPATCH', `${home}docs/f.txt`, VALID_PATCH)).statusCode).toBe(207);
  });
  afterAll(async () => t.close());

  function requests(): fc.Arbitrary<Req> {
    const f = () => `${home}docs/f.txt`;
    const dir = () => `${home}docs/`;
    const seg = fc.constantFrom(...BAD_SEGMENTS);
    const xml = fc.oneof(fc.constantFrom(...BAD_XML), fc.integer({ min: 1, max: VALID_PATCH.length - 1 }).map((k) => VALID_PATCH.slice(0, k)));
    const junk = fc.string({ maxLength: 40 });
    const target = fc.constantFrom(f(), dir(), `${home}docs/sub/`);
    const badDestination = fc.oneof(
      fc.constant(''), junk.filter((s) => !s.trim().startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(s.trim())),
      fc.constantFrom(`/dav/calendars/${other.username}/docs/`, `${home}events/`, `${home}events/x.ics`, `${home}`, '/dav/principals/x/', 'http://[::1', `${home}docs/`),
      seg.map((s) => `${home}${s}/x`),
    );
    return fc.oneof(
      // MKCOL: with a body; without a parent; over something; on a hostile name.
      fc.tuple(fc.string({ minLength: 1, maxLength: 50 }), fc.nat(999)).map(([body, n]) => ({ method: 'MKCOL', url: `${home}new${n}/`, body, headers: {}, why: 'body' })),
      fc.nat(999).map((n) => ({ method: 'MKCOL', url: `${home}missing${n}/child/`, headers: {}, why: 'no parent' })),
      target.map((url) => ({ method: 'MKCOL', url, headers: {}, why: 'exists' })),
      seg.map((s) => ({ method: 'MKCOL', url: `${home}docs/${s}/`, headers: {}, why: 'segment' })),
      // PROPPATCH: malformed or hostile XML, on an existing or a missing resource.
      fc.tuple(xml, target).map(([body, url]) => ({ method: 'PROPPATCH', url, body, headers: {}, why: 'xml' })),
      fc.nat(999).map((n) => ({ method: 'PROPPATCH', url: `${home}docs/none${n}`, body: VALID_PATCH, headers: {}, why: 'missing' })),
      // PROPFIND: malformed bodies and depths.
      fc.tuple(xml.filter((b) => !b.includes('<d:allprop/>')), target).map(([body, url]) => ({ method: 'PROPFIND', url, body, headers: { depth: '1' }, why: 'xml' })),
      fc.tuple(fc.constantFrom('infinity', '2', '-1', 'one', ''), target).map(([depth, url]) => ({ method: 'PROPFIND', url, headers: { depth }, why: 'depth' })),
      // MOVE/COPY: bad Destination, Overwrite, Depth; missing source; onto itself or into itself.
      fc.tuple(fc.constantFrom('MOVE', 'COPY'), target, badDestination).map(([method, url, destination]) => ({ method, url, headers: (destination ? { destination } : {}) as Record<string, string>, why: 'destination' })),
      fc.tuple(fc.constantFrom('MOVE', 'COPY'), fc.constantFrom('yes', 'f ', 'TRUE', '0', '')).filter(([, o]) => o.trim().toUpperCase() !== 'F').map(([method, overwrite]) => ({ method, url: f(), headers: { destination: `${home}docs/g${overwrite.length}.txt`, overwrite: overwrite || 'maybe' }, why: 'overwrite' })),
      fc.tuple(fc.constantFrom('MOVE', 'COPY'), fc.constantFrom('1', 'banana', '-0')).map(([method, depth]) => ({ method, url: dir(), headers: { destination: `${home}moved/`, depth }, why: 'depth' })),
      fc.constantFrom('MOVE', 'COPY').map((method) => ({ method, url: f(), headers: { destination: `${home}docs/sub/`, overwrite: 'F' }, why: 'exists, no overwrite' })),
      fc.tuple(fc.constantFrom('MOVE', 'COPY'), fc.nat(999)).map(([method, n]) => ({ method, url: `${home}docs/none${n}`, headers: { destination: `${home}docs/x${n}` }, why: 'missing source' })),
      fc.constantFrom('MOVE', 'COPY').map((method) => ({ method, url: dir(), headers: { destination: `${home}docs/sub/inner/` }, why: 'into itself' })),
      fc.constantFrom('MOVE', 'COPY').map((method) => ({ method, url: f(), headers: { destination: `http://elsewhere${f()}` }, why: 'same' })),
      // Plain PUT: hostile names, onto a folder, without a parent, failed conditions, too large.
      fc.tuple(seg, fc.string({ maxLength: 30 })).map(([s, body]) => ({ method: 'PUT', url: `${home}docs/${s}`, body, headers: {}, why: 'segment' })),
      fc.constantFrom(dir(), `${home}docs/sub`, `${home}docs/new/`).map((url) => ({ method: 'PUT', url, body: 'x', headers: {}, why: 'collection' })),
      fc.nat(999).map((n) => ({ method: 'PUT', url: `${home}absent${n}/f.txt`, body: 'x', headers: {}, why: 'no parent' })),
      fc.constantFrom<Record<string, string>>({ 'if-none-match': '*' }, { 'if-match': '"stale"' }).map((headers) => ({ method: 'PUT', url: f(), body: 'changed', headers, why: 'condition' })),
      fc.constant({ method: 'PUT', url: `${home}docs/huge.bin`, body: 'x'.repeat(1_048_577), headers: {}, why: 'size' }),
      fc.tuple(fc.constantFrom(...Array.from({ length: 17 }, (_, i) => i + 17)), fc.constantFrom('PUT', 'MKCOL')).map(([n, method]) => ({ method, url: home + Array.from({ length: n }, (_, i) => `d${i}`).join('/') + (method === 'MKCOL' ? '/' : ''), body: method === 'PUT' ? 'x' : undefined, headers: {}, why: 'depth' })),
    );
  }

  it(`answers ${RUNS} generated hostile WebDAV requests with a 4xx, changing nothing`, async () => {
    const before = await dumpDatabase(t.c.handle, EXCLUDED);
    const failures: string[] = [];
    let sent = 0;
    await fc.assert(fc.asyncProperty(requests(), async (r) => {
      const res = await dav(t, u, r.method, r.url, r.body, r.body !== undefined ? { 'content-type': 'application/xml', ...r.headers } : r.headers);
      sent++;
      const a = { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.rawPayload, ms: 0 };
      const what = `${r.method} ${r.url.slice(0, 100)} [${r.why}] ${JSON.stringify(r.headers).slice(0, 80)} → ${a.status}`;
      if (a.status < 400 || a.status >= 500) failures.push(`${what} ${res.body.slice(0, 200)}`);
      else if (/xml/.test(a.contentType) ? !res.body.includes('<d:error') : envelopeProblem(a)) failures.push(`${what} bad error body: ${res.body.slice(0, 200)}`);
      const leak = leakIn(a);
      if (leak) failures.push(`${what} leak ${leak}`);
      return true;
    }), { numRuns: RUNS, seed: SEED });
    console.log(`[hostile-dav] seed ${SEED}: ${sent} requests, ${failures.length} failures`);
    expect(failures.slice(0, 20), failures.slice(0, 20).join('\n')).toEqual([]);
    expect(diffDumps(before, await dumpDatabase(t.c.handle, EXCLUDED))).toEqual([]);
  }, 240_000);

  it('a PROPPATCH refused inside its 207 (protected or oversized property) stores none of its changes', async () => {
    const before = await dumpDatabase(t.c.handle, EXCLUDED);
    for (const extra of ['<d:getetag>"x"</d:getetag>', '<d:resourcetype><d:collection/></d:resourcetype>', `<x:big>${'v'.repeat(5000)}</x:big>`]) {
      const body = `<d:propertyupdate xmlns:d="DAV:" xmlns:x="http://example.com/x/"><d:set><d:prop><x:new>1</x:new>${extra}</d:prop></d:set><d:remove><d:prop><x:a/></d:prop></d:remove></d:propertyupdate>`;
      const res = await dav(t, u, 'PROPPATCH', `${home}docs/f.txt`, body);
      expect(res.statusCode).toBe(207);
      expect(res.body).toContain('424 Failed Dependency');
      expect(res.body).not.toContain('200 OK');
    }
    expect(diffDumps(before, await dumpDatabase(t.c.handle, EXCLUDED))).toEqual([]);
  });
});
