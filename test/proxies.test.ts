import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

/*
 * TRUST_PROXY over a real socket, with forged X-Forwarded-For headers: the client IP is the address
 * the nearest untrusted hop presented, never the leftmost entry a client writes itself.
 */
let hops: TestApp;
let list: TestApp;
let none: TestApp;
beforeAll(async () => {
  [hops, list, none] = await Promise.all([
    startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_AUTH_PER_MINUTE: '3' }),
    startTestApp({ TRUST_PROXY: '10.9.9.9, 127.0.0.0/8' }),
    startTestApp({}),
  ]);
  await Promise.all([hops.listen(), list.listen(), none.listen()]);
});
afterAll(async () => Promise.all([hops.close(), list.close(), none.close()]));

let n = 0;
/** Registers over the socket with the given X-Forwarded-For; returns the IP the audit trail recorded. */
async function auditedIp(t: TestApp, xff: string): Promise<string | null> {
  const name = `px${process.pid}x${++n}`;
  const res = await fetch(`${t.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
    body: JSON.stringify({ username: name, email: `${name}@example.com`, password: 'password123' }),
  });
  expect(res.status).toBe(201);
  const id = ((await res.json()) as { id: number }).id;
  const row = await t.c.handle.db.selectFrom('audit_log').select('ip').where('user_id', '=', id).executeTakeFirstOrThrow();
  return row.ip;
}

describe('TRUST_PROXY', () => {
  it('true means one trusted hop: the entry the proxy appended, not the forged leftmost one', async () => {
    expect(await auditedIp(hops, '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(await auditedIp(hops, '198.51.100.8')).toBe('198.51.100.8');
  });

  it('rotating the leftmost entry does not buy fresh login attempts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${hops.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}, 203.0.113.50` },
        body: JSON.stringify({ username: 'nobody', password: 'wrong-password' }),
      });
      codes.push(res.status);
    }
    expect(codes).toEqual([401, 401, 401, 429]);
  });

  it('a list trusts exactly those addresses and networks, walking from the right', async () => {
    // The socket peer (127.0.0.1) is trusted, so is 10.9.9.9; 198.51.100.9 is the first untrusted hop.
    expect(await auditedIp(list, '6.6.6.6, 198.51.100.9, 10.9.9.9')).toBe('198.51.100.9');
    expect(await auditedIp(list, '6.6.6.6, 127.0.0.5')).toBe('6.6.6.6');
  });

  it('false (the default) ignores X-Forwarded-For', async () => {
    expect(await auditedIp(none, '6.6.6.6')).toBe('127.0.0.1');
  });
});
