import { decode, encode } from '@msgpack/msgpack';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
const logLines: string[] = [];
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  t = await startTestApp({ LOG_LEVEL: 'trace', CORS_ORIGINS: 'https://app.example.com' }, { logStream });
});
afterAll(async () => t.close());

describe('cross-cutting HTTP behaviour', () => {
  it('answers unknown routes with the 404 envelope', async () => {
    const res = await t.req({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ detail: { code: 'NOT_FOUND' } });
  });

  it('answers an unparsable body with 400 BAD_REQUEST', async () => {
    const res = await t.req({ method: 'POST', url: '/api/auth/login', payload: '{"username": "x", ', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail.code).toBe('BAD_REQUEST');
    const bad = await t.req({ method: 'POST', url: '/api/auth/login', payload: Buffer.from([0xc1]), headers: { 'content-type': 'application/x-msgpack' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail.code).toBe('BAD_REQUEST');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.req({ method: 'POST', url: '/api/auth/login', payload: '<xml/>', headers: { 'content-type': 'application/xml' } });
    expect(res.statusCode).toBe(415);
    expect(res.json().detail.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body over 1 MiB with 413', async () => {
    const res = await t.req({ method: 'POST', url: '/api/auth/register', payload: JSON.stringify({ username: 'x'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().detail.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('speaks MessagePack both ways with the same data as JSON', async () => {
    const u = await t.user();
    const body = encode({ username: u.username, password: u.password });
    const res = await t.req({
      method: 'POST', url: '/api/auth/login', payload: Buffer.from(body),
      headers: { 'content-type': 'application/x-msgpack', accept: 'application/x-msgpack' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-msgpack');
    const decoded = decode(res.rawPayload) as Record<string, any>;
    expect(decoded.user).toMatchObject({ id: u.id, username: u.username });
    const asJson = await t.req({ method: 'GET', url: '/api/users/me', token: decoded.access_token });
    const asPack = await t.req({ method: 'GET', url: '/api/users/me', token: decoded.access_token, headers: { accept: 'application/msgpack' } });
    expect(decode(asPack.rawPayload)).toEqual(asJson.json());
    const err = await t.req({ method: 'GET', url: '/api/users/me', headers: { accept: 'application/x-msgpack' } });
    expect(decode(err.rawPayload)).toMatchObject({ detail: { code: 'UNAUTHORIZED' } });
  });

  it('never returns a password hash', async () => {
    const u = await t.user();
    const bodies = [
      (await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: u.password } })).body,
      (await t.req({ method: 'GET', url: '/api/users/me', token: u.access })).body,
      (await t.req({ method: 'GET', url: `/api/users?q=${u.username}`, token: u.access })).body,
      (await t.req({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.refresh } })).body,
    ];
    for (const b of bodies) {
      expect(b).not.toMatch(/argon2|password_hash|"password"/);
    }
  });

  it('keeps passwords and tokens out of the logs', async () => {
    const u = await t.user();
    await t.req({ method: 'GET', url: '/api/users/me', token: u.access });
    await t.req({ method: 'GET', url: `/api/notifications/ws?token=${u.access}` });
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(u.password);
    expect(all).not.toContain(u.access);
    expect(all).not.toContain(u.refresh);
  });

  it('sets security headers and CORS for the configured origin only', async () => {
    const ok = await t.req({ method: 'GET', url: '/health', headers: { origin: 'https://app.example.com' } });
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(ok.headers['x-frame-options']).toBeTruthy();
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await t.req({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await t.req({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.req({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.database).toBe('ok');
    const m = await t.req({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('http_requests_total');
    expect(m.body).toContain('http_request_duration_seconds_bucket');
    expect(m.body).toContain('cache_hits_total');
    expect(m.body).toContain('websocket_connections');
    expect(m.body).toContain('rate_limit_rejections_total');
  });

  it('documents every route in OpenAPI and serves /docs', async () => {
    const res = await t.req({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${path}`);
    }
    const apiRoutes = t.app.routeList.filter((r) => r.url.startsWith('/api/') && r.method !== 'OPTIONS');
    expect(apiRoutes.length).toBeGreaterThan(5);
    for (const r of apiRoutes) {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(documented, `${r.method} ${path}`).toContain(`${r.method} ${path}`);
    }
    const docs = await t.req({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers an internal failure with a bare 500 that leaks nothing', async () => {
    const u = await t.user();
    // Break the database under the app: the next login's audit insert fails inside the driver.
    await t.c.handle.db.schema.dropTable('audit_log').execute();
    const res = await t.req({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: u.password } });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.detail.code).toBe('INTERNAL_ERROR');
    expect(res.body).not.toMatch(/audit_log|insert|select|sqlite|postgres|stack|at \w+ \(/i);
    const logged = logLines.join('');
    expect(logged).toContain(body.detail.request_id);
    // The log names the failure's kind, not its message, SQL or stack.
    expect(logged).not.toMatch(/audit_log|insert into|\n\s+at |\.ts:\d+/i);
  });
});
