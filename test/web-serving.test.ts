import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

// How the process serves the web client at `/` (SPEC §14): a built client from its folder, with
// cache headers and its own CSP; the SPA's routes fall back to index.html; the API, DAV, feed and
// documentation paths keep their own answers; without a build `/` says how to build it.

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-3f2a91.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = 'console.log("tandem");';

function builtClient(): string {
  const root = mkdtempSync(join(tmpdir(), 'tandem-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app-3f2a91.js'), SCRIPT);
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return root;
}

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the built web client', () => {
  let t: TestApp;
  let root: string;
  beforeAll(async () => {
    root = builtClient();
    t = await startTestApp({}, { webRoot: root });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html at / , never cached, with a CSP that allows only its own scripts', async () => {
    const res = await t.req({ method: 'GET', url: '/', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain('ws://localhost:80');
  });

  it('falls back to index.html for the app\'s own routes, with the query kept out of the lookup', async () => {
    for (const url of ['/week', '/events/12/history', '/settings?tab=apps']) {
      const res = await t.req({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves hashed assets for a year and other files for an hour, with validators', async () => {
    const asset = await t.req({ method: 'GET', url: '/assets/app-3f2a91.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.body).toBe(SCRIPT);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.etag).toBeTruthy();
    const again = await t.req({ method: 'GET', url: '/assets/app-3f2a91.js', headers: { 'if-none-match': String(asset.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const icon = await t.req({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('answers a missing asset, a non-HTML request and a path outside the folder with the JSON 404', async () => {
    for (const [url, headers] of [
      ['/assets/app-000000.js', {}],
      ['/robots.txt', { accept: 'text/plain' }],
      ['/assets/..%2f..%2fpackage.json', {}],
      ['/..%2f..%2fetc%2fpasswd', {}],
    ] as const) {
      const res = await t.req({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().detail.code, url).toBe('NOT_FOUND');
    }
  });

  it('answers a malformed path with the 400 envelope, not the page', async () => {
    for (const url of ['/%E0%A4%A', '/week%ZZ']) {
      const res = await t.req({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().detail.code, url).toBe('BAD_REQUEST');
    }
  });

  it('leaves the API, CalDAV, the documentation and the health checks to their own routes', async () => {
    const api = await t.req({ method: 'GET', url: '/api/nothing-here', headers: html });
    expect(api.statusCode).toBe(404);
    expect(api.json().detail.code).toBe('NOT_FOUND');
    const unauth = await t.req({ method: 'GET', url: '/api/events', headers: html });
    expect(unauth.statusCode).toBe(401);
    const doc = await t.req({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toMatch(/^3\./);
    const docs = await t.req({ method: 'GET', url: '/docs/', headers: html });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).not.toBe(INDEX);
    expect(docs.body).toMatch(/swagger/i);
    const dav = await t.req({ method: 'PROPFIND', url: '/dav/', headers: { depth: '0' } });
    expect(dav.statusCode).toBe(401);
    expect(dav.headers['www-authenticate']).toMatch(/^Basic/);
    const wellKnown = await t.req({ method: 'GET', url: '/.well-known/caldav', headers: html });
    expect(wellKnown.statusCode).toBe(301);
    const health = await t.req({ method: 'GET', url: '/health', headers: html });
    expect(health.statusCode).toBe(200);
    expect(health.headers['content-type']).toMatch(/json/);
  });

  it('keeps API responses free of the page CSP and the page cache rules', async () => {
    const u = await t.user('web');
    const res = await t.req({ method: 'GET', url: '/api/events', token: u.access });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).not.toBe('public, max-age=31536000, immutable');
    expect(String(res.headers['content-security-policy'] ?? '')).not.toContain('ws://');
  });
});

describe('without a built client', () => {
  let t: TestApp;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tandem-web-empty-'));
    t = await startTestApp({}, { webRoot: root });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts, says at / how to build the client, and serves the API as usual', async () => {
    const res = await t.req({ method: 'GET', url: '/', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('npm run build');
    const route = await t.req({ method: 'GET', url: '/week', headers: html });
    expect(route.body).toContain('npm run build');
    const asset = await t.req({ method: 'GET', url: '/assets/app-3f2a91.js' });
    expect(asset.statusCode).toBe(404);
    expect((await t.req({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
