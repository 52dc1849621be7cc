import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startCluster, type Cluster } from '../helpers/cluster.js';

// Two app processes on one PostgreSQL and one Redis: an app password revoked through instance A
// is refused by instance B on its very next request, although B had the credential cached.
let cl: Cluster;
beforeAll(async () => {
  cl = await startCluster();
}, 120_000);
afterAll(async () => cl?.stop());

describe('app-password revocation in scaled mode', () => {
  it('B refuses a cached credential right after A revoked it', async () => {
    const name = `apr${process.pid}`;
    const reg = await call(cl.a.url, 'POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'password123' });
    expect(reg.status).toBe(201);
    const ap = await call(cl.a.url, 'POST', '/api/auth/app-passwords', reg.body.access_token, { name: 'phone' });
    expect(ap.status).toBe(201);
    const basic = 'Basic ' + Buffer.from(`${name}:${ap.body.password}`).toString('base64');
    const propfind = () => fetch(`${cl.b.url}/dav/calendars/${name}/events/`, { method: 'PROPFIND', headers: { authorization: basic, depth: '0' } });
    expect((await propfind()).status).toBe(207);
    expect((await propfind()).status).toBe(207); // now served from B's credential cache
    expect((await call(cl.a.url, 'DELETE', `/api/auth/app-passwords/${ap.body.id}`, reg.body.access_token)).status).toBe(204);
    const after = await propfind();
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/^Basic realm="Tandem"/);
  });
});
