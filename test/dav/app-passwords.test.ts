import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { collectionOf, dav, davUser } from './helpers.js';

const PROPFIND = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>';

describe('app passwords and HTTP Basic for /dav', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('creates (secret shown once), lists without secrets, authenticates, revokes at once', async () => {
    const u = await t.user('ap');
    const created = await t.req({ method: 'POST', url: '/api/auth/app-passwords', token: u.access, payload: { name: 'Phone' } });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(Object.keys(body).sort()).toEqual(['created_at', 'id', 'name', 'password']);
    expect(body.password.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
    const list = await t.req({ method: 'GET', url: '/api/auth/app-passwords', token: u.access });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).not.toHaveProperty('password');
    expect(JSON.stringify(list.json())).not.toContain(body.password);

    const basic = 'Basic ' + Buffer.from(`${u.username}:${body.password}`).toString('base64');
    const ok = await t.app.inject({ method: 'PROPFIND' as 'GET', url: '/dav/', headers: { authorization: basic, depth: '0', 'content-type': 'application/xml' }, payload: PROPFIND });
    expect(ok.statusCode).toBe(207);
    expect(ok.body).toContain(`/dav/principals/${u.username}/`);

    const del = await t.req({ method: 'DELETE', url: `/api/auth/app-passwords/${body.id}`, token: u.access });
    expect(del.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'PROPFIND' as 'GET', url: '/dav/', headers: { authorization: basic, depth: '0' } });
    expect(after.statusCode).toBe(401);
    expect(after.headers['www-authenticate']).toMatch(/^Basic realm="Tandem"/);
    expect((await t.req({ method: 'DELETE', url: `/api/auth/app-passwords/${body.id}`, token: u.access })).statusCode).toBe(404);

    const audit = (await t.req({ method: 'GET', url: '/api/audit?limit=100', token: u.access })).json().items.map((i: { action: string; outcome: string }) => `${i.action}:${i.outcome}`);
    expect(audit).toEqual(expect.arrayContaining(['auth.app_password_create:ok', 'auth.app_password_revoke:ok', 'dav.auth:ok', 'dav.auth:denied']));
  });

  it('refuses the account password, other users’ app passwords and missing credentials, with the Basic challenge', async () => {
    const a = await davUser(t, 'apa');
    const b = await davUser(t, 'apb');
    const tries = [
      undefined,
      'Basic ' + Buffer.from(`${a.username}:${a.password}`).toString('base64'),
      'Basic ' + Buffer.from(`${a.username}:${b.appPassword}`).toString('base64'),
      'Bearer ' + a.access,
      'Basic !!!',
    ];
    for (const authorization of tries) {
      const res = await t.app.inject({ method: 'PROPFIND' as 'GET', url: collectionOf(a), headers: { ...(authorization ? { authorization } : {}), depth: '0' } });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="Tandem"/);
      expect(res.json().detail.code).toBe('UNAUTHORIZED');
    }
    expect((await dav(t, a, 'PROPFIND', collectionOf(a), undefined, { depth: '0' })).statusCode).toBe(207);
    // Another user's collection is not there for a.
    expect((await dav(t, a, 'PROPFIND', collectionOf(b), undefined, { depth: '0' })).statusCode).toBe(404);
  });

  it('verifies a credential once: a 1,000-item sync does not hash per request', async () => {
    const u = await davUser(t, 'apn');
    for (let b = 0; b < 10; b++) {
      const events = Array.from({ length: 100 }, (_, i) => {
        const start = Date.UTC(2031, 0, 1) + (b * 100 + i) * 7200_000;
        return { title: `e${b * 100 + i}`, start_time: new Date(start).toISOString(), end_time: new Date(start + 3600_000).toISOString() };
      });
      expect((await t.req({ method: 'POST', url: '/api/events/batch?check_conflicts=false', token: u.access, payload: { events } })).statusCode).toBe(201);
    }
    const before = t.c.basicAuth.stats().verifications;
    const sync = await dav(t, u, 'REPORT', collectionOf(u), '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>', { depth: '1' });
    expect(sync.statusCode).toBe(207);
    const hrefs = [...sync.body.matchAll(/<d:href>([^<]+\.ics)<\/d:href>/g)].map((m) => m[1]);
    expect(hrefs).toHaveLength(1000);
    // A client fetches the data in multigets of 100, then checks a few objects one by one.
    for (let i = 0; i < 1000; i += 100) {
      const body = `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.slice(i, i + 100).map((h) => `<d:href>${h}</d:href>`).join('')}</c:calendar-multiget>`;
      const res = await dav(t, u, 'REPORT', collectionOf(u), body, { depth: '1' });
      expect(res.statusCode).toBe(207);
      expect(res.body.match(/BEGIN:VEVENT/g)).toHaveLength(100);
    }
    for (const h of hrefs.slice(0, 50)) expect((await dav(t, u, 'GET', h)).statusCode).toBe(200);
    expect(t.c.basicAuth.stats().verifications - before).toBe(1);
  });
});

describe('failed Basic sign-ins are rate-limited per IP like logins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '3' });
  });
  afterAll(async () => t.close());

  it('answers 429 with Retry-After once the failures are used up, before verifying anything', async () => {
    const u = await davUser(t, 'rl');
    expect((await dav(t, u, 'PROPFIND', '/dav/', undefined, { depth: '0' })).statusCode).toBe(207); // cached now
    const wrong = 'Basic ' + Buffer.from(`${u.username}:nope-nope-nope`).toString('base64');
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ method: 'PROPFIND' as 'GET', url: '/dav/', headers: { authorization: wrong, depth: '0' } })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    const limited = await t.app.inject({ method: 'PROPFIND' as 'GET', url: '/dav/', headers: { authorization: wrong, depth: '0' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().detail.code).toBe('RATE_LIMIT_EXCEEDED');
    const verifications = t.c.basicAuth.stats().verifications;
    // A guess with a fresh, right-looking password is refused without a lookup.
    const fresh = 'Basic ' + Buffer.from(`${u.username}:${'x'.repeat(32)}`).toString('base64');
    expect((await t.app.inject({ method: 'PROPFIND' as 'GET', url: '/dav/', headers: { authorization: fresh, depth: '0' } })).statusCode).toBe(429);
    expect(t.c.basicAuth.stats().verifications).toBe(verifications);
    // The already verified credential keeps working.
    expect((await dav(t, u, 'PROPFIND', '/dav/', undefined, { depth: '0' })).statusCode).toBe(207);
  });
});
