/**
 * Many clients at once on the same events (real sockets on loopback, bounded): editors editing
 * and rolling back, the owner sharing, unsharing and transferring ownership back and forth,
 * viewers reading while their access is removed or their session ends. Afterwards every event
 * has exactly one owner, versions 1…n with no gap, a changelog that agrees with them, and no
 * read that started after a revocation was answered with the event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './helpers/cluster.js';
import { createEvent } from './helpers/events.js';
import { startTestApp, type TestApp, type TestUser } from './helpers/app.js';

let t: TestApp;
let owner: TestUser, editors: TestUser[], churn: TestUser, revoked: TestUser, leaver: TestUser;
let events: number[];
const ROUNDS = 12;

beforeAll(async () => {
  t = await startTestApp();
  await t.listen();
  owner = await t.user('cco');
  editors = [await t.user('cce'), await t.user('cce'), await t.user('cce')];
  [churn, revoked, leaver] = [await t.user('ccc'), await t.user('ccr'), await t.user('ccl')];
  events = [];
  for (let i = 0; i < 3; i++) {
    const e = await createEvent(t, owner, { title: `Shared ${i}`, description: 'v1', start_time: `2033-0${i + 1}-10T10:00:00Z`, end_time: `2033-0${i + 1}-10T11:00:00Z` });
    const users = [...editors.map((u) => ({ user_id: u.id, role: 'editor' })), ...[churn, revoked, leaver].map((u) => ({ user_id: u.id, role: 'viewer' }))];
    expect((await call(t.url, 'POST', `/api/events/${e.id}/share`, owner.access, { users })).status).toBe(200);
    events.push(e.id);
  }
}, 60_000);
afterAll(async () => t.close());

const pick = <T>(xs: T[], i: number) => xs[i % xs.length];

describe('concurrent editing, sharing, revoking and rolling back', () => {
  it('keeps one owner, contiguous versions and a consistent changelog; no read after a revocation', async () => {
    const unexpected: string[] = [];
    const ok = (what: string, status: number, allowed: number[]) => { if (!allowed.includes(status)) unexpected.push(`${what} → ${status}`); };
    const reads: { who: string; event: number; sentAt: number; status: number }[] = [];
    const revokedAt = new Map<number, number>();
    let loggedOutAt = Infinity;

    const editorClients = editors.map(async (u, k) => {
      for (let i = 0; i < ROUNDS; i++) {
        const id = pick(events, i + k);
        if ((i + k) % 3 === 2) {
          const v = 1 + ((i * 7 + k) % 3);
          const r = await call(t.url, 'POST', `/api/events/${id}/rollback/${v}`, u.access);
          ok('rollback', r.status, [200, 404]); // 404: a version that does not exist yet is not an error of ours
        } else {
          const r = await call(t.url, 'PATCH', `/api/events/${id}`, u.access, { [(i % 2) ? 'title' : 'description']: `by ${u.username} #${i}` });
          ok('edit', r.status, [200]);
        }
      }
    });
    // The owner shares and unshares one viewer over and over, and hands event 0 to an editor and back.
    const ownerClient = (async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const id = pick(events, i);
        const r = i % 2
          ? await call(t.url, 'DELETE', `/api/events/${id}/permissions/${churn.id}`, owner.access)
          : await call(t.url, 'POST', `/api/events/${id}/share`, owner.access, { user_id: churn.id, role: 'viewer' });
        ok('share churn', r.status, [200, 204, 403, 404]);
      }
    })();
    const transfers = (async () => {
      for (let i = 0; i < ROUNDS / 2; i++) {
        const [from, to] = i % 2 ? [editors[0], owner] : [owner, editors[0]];
        const r = await call(t.url, 'PUT', `/api/events/${events[0]}/permissions/${to.id}`, from.access, { role: 'OWNER' });
        ok('transfer', r.status, [200]);
      }
    })();
    // Two readers: one loses access to every event midway, one logs out midway.
    // Each reader keeps going until its revocation has been answered and a few reads followed it (bounded).
    const reader = (u: TestUser, who: string, revokedNow: () => boolean) => (async () => {
      for (let i = 0, after = 0; i < 300 && after < 6; i++) {
        if (revokedNow()) after++;
        const id = pick(events, i);
        const sentAt = performance.now();
        const r = await call(t.url, 'GET', `/api/events/${id}`, u.access);
        reads.push({ who, event: id, sentAt, status: r.status });
      }
    })();
    const revoker = (async () => {
      await new Promise((r) => setTimeout(r, 30));
      for (const id of events) {
        // Event 0 changes hands meanwhile: whoever owns it at that moment revokes.
        let status = 0;
        // Ask who owns it, then revoke as them; the transfers are bounded, so this settles quickly.
        for (let attempt = 0; attempt < 40 && status !== 204; attempt++) {
          const perms = (await call(t.url, 'GET', `/api/events/${id}/permissions`, editors[1].access)).body as { user_id: number; role: string }[];
          const current = perms.find((p) => p.role === 'OWNER')?.user_id === editors[0].id ? editors[0] : owner;
          status = (await call(t.url, 'DELETE', `/api/events/${id}/permissions/${revoked.id}`, current.access)).status;
        }
        ok('revoke', status, [204]);
        revokedAt.set(id, performance.now());
      }
    })();
    const logout = (async () => {
      await new Promise((r) => setTimeout(r, 40));
      ok('logout', (await call(t.url, 'POST', '/api/auth/logout', leaver.access)).status, [204]);
      loggedOutAt = performance.now();
    })();
    await Promise.all([...editorClients, ownerClient, transfers, reader(revoked, 'revoked', () => revokedAt.size === events.length), reader(leaver, 'leaver', () => loggedOutAt !== Infinity), revoker, logout]);

    expect(unexpected).toEqual([]);
    const afterRevocation = reads.filter((r) => r.who === 'revoked' && r.sentAt > (revokedAt.get(r.event) ?? Infinity));
    expect(afterRevocation.filter((r) => r.status !== 404)).toEqual([]);
    const afterLogout = reads.filter((r) => r.who === 'leaver' && r.sentAt > loggedOutAt);
    expect(afterLogout.filter((r) => r.status !== 401)).toEqual([]);
    expect(revokedAt.size).toBe(events.length);
    // The readers really overlapped the revocations: reads before them succeeded, reads after them were tried.
    expect(afterRevocation.length).toBeGreaterThan(0);
    expect(afterLogout.length).toBeGreaterThan(0);
    expect(reads.filter((r) => r.status === 200).length).toBeGreaterThan(0);

    for (const id of events) {
      const perms = (await call(t.url, 'GET', `/api/events/${id}/permissions`, editors[1].access)).body as { user_id: number; role: string }[];
      expect(perms.filter((p) => p.role === 'OWNER'), `owners of ${id}`).toHaveLength(1);
      expect(perms.some((p) => p.user_id === revoked.id)).toBe(false);
      const ev = (await call(t.url, 'GET', `/api/events/${id}`, editors[1].access)).body;
      const history = (await call(t.url, 'GET', `/api/events/${id}/history?limit=100`, editors[1].access)).body;
      const versions = history.items.map((h: { version: number }) => h.version).sort((a: number, b: number) => a - b);
      expect(versions).toEqual(Array.from({ length: ev.version }, (_, i) => i + 1));
      expect(history.total).toBe(ev.version);
      const latest = history.items.find((h: { version: number }) => h.version === ev.version);
      expect(latest.data).toMatchObject({ title: ev.title, description: ev.description });
      const log = (await call(t.url, 'GET', `/api/events/${id}/changelog?limit=100`, editors[1].access)).body;
      expect(log.total).toBe(log.items.length);
      // Rows that appended a version name each version exactly once; the others name the version current then.
      const appended = log.items.filter((c: { diff: unknown }) => c.diff !== null).map((c: { version: number }) => c.version).sort((a: number, b: number) => a - b);
      expect(appended).toEqual(versions.slice(1));
      expect(log.items.filter((c: { action: string }) => c.action === 'created').map((c: { version: number }) => c.version)).toEqual([1]);
      const inOrder = log.items.map((c: { version: number }) => c.version);
      for (let i = 1; i < inOrder.length; i++) expect(inOrder[i]).toBeLessThanOrEqual(inOrder[i - 1]);
    }
  }, 120_000);
});
