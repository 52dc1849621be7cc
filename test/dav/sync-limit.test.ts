import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { collectionOf, dav, davUser, type DavUser } from './helpers.js';

interface Page {
  status: number;
  /** href → 'changed' (with an ETag) or 'removed' (a 404 entry). */
  entries: Map<string, string>;
  truncated: boolean;
  token: string;
  size: number;
}

// RFC 6578 §3.7: a client's DAV:limit caps a sync-collection answer; a 507 entry and the token continue it.
describe('sync-collection with DAV:limit', () => {
  let t: TestApp;
  let owner: DavUser;
  let u: DavUser;

  const sync = async (token: string, n?: number): Promise<Page> => {
    const limit = n === undefined ? '' : `<d:limit><d:nresults>${n}</d:nresults></d:limit>`;
    const res = await dav(t, u, 'REPORT', collectionOf(u),
      `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level>${limit}<d:prop><d:getetag/></d:prop></d:sync-collection>`);
    const entries = new Map<string, string>();
    let truncated = false;
    let size = 0;
    for (const m of res.body.matchAll(/<d:response>(.*?)<\/d:response>/g)) {
      const href = /<d:href>([^<]+)<\/d:href>/.exec(m[1])![1];
      if (href === collectionOf(u)) {
        expect(m[1]).toContain('HTTP/1.1 507');
        truncated = true;
        continue;
      }
      size++;
      expect(entries.has(href), `${href} twice in one answer`).toBe(false);
      entries.set(href, m[1].includes('<d:getetag>') ? 'changed' : 'removed');
    }
    return { status: res.statusCode, entries, truncated, token: /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(res.body)?.[1] ?? '', size };
  };

  /** Follows truncations to the end; every page within the limit, no href sent twice. */
  const pageThrough = async (token: string, n: number) => {
    const all = new Map<string, string>();
    let pages = 0;
    for (let cur = token; ; ) {
      const p = await sync(cur, n);
      expect(p.status).toBe(207);
      expect(p.size).toBeLessThanOrEqual(n);
      pages++;
      for (const [h, k] of p.entries) {
        expect(all.has(h), `${h} sent on two pages`).toBe(false);
        all.set(h, k);
      }
      if (!p.truncated) return { all, pages, token: p.token };
      expect(p.size).toBe(n);
      cur = p.token;
      expect(pages).toBeLessThan(100);
    }
  };

  const event = async (i: number) => {
    const start = Date.UTC(2030, 2, 1) + i * 86_400_000;
    const res = await t.req({ method: 'POST', url: '/api/events', token: owner.access, payload: { title: `E${i}`, start_time: new Date(start).toISOString(), end_time: new Date(start + 3_600_000).toISOString() } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number };
  };

  beforeAll(async () => {
    t = await startTestApp();
    owner = await davUser(t, 'slo');
    u = await davUser(t, 'slu');
  });
  afterAll(async () => t.close());

  it('pages a first load and a change set with a small nresults, losing and repeating nothing', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 23; i++) {
      const e = await event(i);
      ids.push(e.id);
      await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: owner.access, payload: { user_id: u.id, role: 'EDITOR' } });
    }
    const full = await sync('');
    expect(full.truncated).toBe(false);
    expect(full.entries.size).toBe(23);
    const paged = await pageThrough('', 5);
    expect(paged.pages).toBe(5);
    expect([...paged.all.entries()].sort()).toEqual([...full.entries.entries()].sort());

    // Changes: some edited, some deleted, some unshared, a few new ones.
    for (const id of ids.slice(0, 6)) await t.req({ method: 'PATCH', url: `/api/events/${id}`, token: owner.access, payload: { title: 'edited' } });
    for (const id of ids.slice(6, 10)) expect((await t.req({ method: 'DELETE', url: `/api/events/${id}`, token: owner.access })).statusCode).toBe(204);
    for (const id of ids.slice(10, 13)) expect((await t.req({ method: 'DELETE', url: `/api/events/${id}/permissions/${u.id}`, token: owner.access })).statusCode).toBe(204);
    for (let i = 0; i < 4; i++) {
      const e = await event(100 + i);
      await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: owner.access, payload: { user_id: u.id, role: 'VIEWER' } });
    }
    const delta = await sync(paged.token);
    expect(delta.truncated).toBe(false);
    expect([...delta.entries.values()].filter((k) => k === 'removed')).toHaveLength(7);
    expect(delta.entries.size).toBeGreaterThanOrEqual(17);
    for (const n of [1, 3, 4]) {
      const p = await pageThrough(paged.token, n);
      expect(p.pages).toBeGreaterThan(1);
      expect([...p.all.entries()].sort(), `nresults ${n}`).toEqual([...delta.entries.entries()].sort());
    }
  });

  it('a limit above the server cap truncates at the cap (no error); a malformed limit is a 400', async () => {
    const p = await sync('', 1_000_000);
    expect(p.status).toBe(207);
    expect(p.truncated).toBe(false);
    for (const bad of ['0', '-1', 'many', '1.5', '']) {
      const res = await dav(t, u, 'REPORT', collectionOf(u),
        `<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:limit><d:nresults>${bad}</d:nresults></d:limit><d:prop><d:getetag/></d:prop></d:sync-collection>`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.body).toContain('<d:error');
    }
  });
});
