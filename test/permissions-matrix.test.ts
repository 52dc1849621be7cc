import { describe, expect, it } from 'vitest';
import type { TestUser } from './helpers/app.js';
import { appForFile } from './helpers/file-app.js';

/*
 * Every event-scoped endpoint × caller role → expected status, in one table. A route under
 * /api/events/:id that is missing here fails the coverage test, so a new endpoint must add its row.
 */
type Caller = 'none' | 'VIEWER' | 'EDITOR' | 'OWNER';
interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string;
  url: (ctx: Ctx) => string;
  body?: (ctx: Ctx) => unknown;
  setup?: (ctx: Ctx) => Promise<void>;
  expect: Record<Caller, number>;
}
interface Ctx {
  id: number;
  key: string;
  target: TestUser;
  extra: TestUser;
  day: number;
}

const readable = { none: 404, VIEWER: 200, EDITOR: 200, OWNER: 200 };
const editable = (ok: number) => ({ none: 404, VIEWER: 403, EDITOR: ok, OWNER: ok });
const ownerOnly = (ok: number) => ({ none: 404, VIEWER: 403, EDITOR: 403, OWNER: ok });

const table: Row[] = [
  { method: 'GET', route: '/api/events/:id', url: (c) => `/api/events/${c.id}`, expect: readable },
  { method: 'GET', route: '/api/events/:id/ics', url: (c) => `/api/events/${c.id}/ics`, expect: readable },
  { method: 'PUT', route: '/api/events/:id', url: (c) => `/api/events/${c.id}`, body: () => ({ title: 'Renamed' }), expect: editable(200) },
  { method: 'PATCH', route: '/api/events/:id', url: (c) => `/api/events/${c.id}`, body: () => ({ location: 'Elsewhere' }), expect: editable(200) },
  { method: 'DELETE', route: '/api/events/:id', url: (c) => `/api/events/${c.id}`, expect: ownerOnly(204) },
  {
    method: 'POST', route: '/api/events/:id/restore', url: (c) => `/api/events/${c.id}/restore`,
    setup: async (c) => void (await t.req({ method: 'DELETE', url: `/api/events/${c.id}`, token: owner.access })),
    expect: ownerOnly(200),
  },
  {
    method: 'GET', route: '/api/events/:id/occurrences',
    url: (c) => `/api/events/${c.id}/occurrences?start_time=2031-01-01T00:00:00Z&end_time=2031-12-31T00:00:00Z`, expect: readable,
  },
  { method: 'DELETE', route: '/api/events/:id/occurrences/:occurrence_start', url: (c) => `/api/events/${c.id}/occurrences/${c.key}`, expect: editable(204) },
  { method: 'PUT', route: '/api/events/:id/occurrences/:occurrence_start', url: (c) => `/api/events/${c.id}/occurrences/${c.key}`, body: () => ({ title: 'Moved' }), expect: editable(200) },
  { method: 'POST', route: '/api/events/:id/share', url: (c) => `/api/events/${c.id}/share`, body: (c) => ({ users: [{ user_id: c.extra.id, role: 'viewer' }] }), expect: ownerOnly(200) },
  { method: 'GET', route: '/api/events/:id/permissions', url: (c) => `/api/events/${c.id}/permissions`, expect: readable },
  { method: 'PUT', route: '/api/events/:id/permissions/:userId', url: (c) => `/api/events/${c.id}/permissions/${c.target.id}`, body: () => ({ role: 'EDITOR' }), expect: ownerOnly(200) },
  { method: 'DELETE', route: '/api/events/:id/permissions/:userId', url: (c) => `/api/events/${c.id}/permissions/${c.target.id}`, expect: ownerOnly(204) },
  { method: 'GET', route: '/api/events/:id/history', url: (c) => `/api/events/${c.id}/history`, expect: readable },
  { method: 'GET', route: '/api/events/:id/history/:versionId', url: (c) => `/api/events/${c.id}/history/1`, expect: readable },
  {
    method: 'POST', route: '/api/events/:id/rollback/:versionId', url: (c) => `/api/events/${c.id}/rollback/1`,
    setup: async (c) => void (await t.req({ method: 'PATCH', url: `/api/events/${c.id}`, token: owner.access, payload: { title: 'Changed' } })),
    expect: editable(200),
  },
  { method: 'GET', route: '/api/events/:id/changelog', url: (c) => `/api/events/${c.id}/changelog`, expect: readable },
  { method: 'GET', route: '/api/events/:id/diff/:versionId1/:versionId2', url: (c) => `/api/events/${c.id}/diff/1/1`, expect: readable },
];

const { t, users: [owner, editor, viewer, stranger, target, extra] } = appForFile({ users: ['own', 'edi', 'vie', 'str', 'tgt', 'ext'] });
let day = 0;

/** A fresh daily series shared with the editor, the viewer and the target, on its own days. */
async function freshEvent(): Promise<Ctx> {
  const d = ++day * 10;
  const start = new Date(Date.UTC(2031, 0, 1 + d, 9)).toISOString();
  const end = new Date(Date.UTC(2031, 0, 1 + d, 10)).toISOString();
  const res = await t.req({
    method: 'POST', url: '/api/events', token: owner.access,
    payload: { title: 'Matrix', start_time: start, end_time: end, recurrence_pattern: { frequency: 'DAILY', count: 3 } },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id;
  const share = await t.req({
    method: 'POST', url: `/api/events/${id}/share`, token: owner.access,
    payload: { users: [{ user_id: editor.id, role: 'EDITOR' }, { user_id: viewer.id, role: 'VIEWER' }, { user_id: target.id, role: 'VIEWER' }] },
  });
  expect(share.statusCode, share.body).toBe(200);
  const key = new Date(Date.UTC(2031, 0, 2 + d, 9)).toISOString();
  return { id, key, target, extra, day: d };
}

describe('access matrix', () => {
  const callers: Caller[] = ['none', 'VIEWER', 'EDITOR', 'OWNER'];
  for (const row of table) {
    for (const caller of callers) {
      it(`${row.method} ${row.route} as ${caller} → ${row.expect[caller]}`, async () => {
        const ctx = await freshEvent();
        await row.setup?.(ctx);
        const token = { none: stranger, VIEWER: viewer, EDITOR: editor, OWNER: owner }[caller].access;
        const res = await t.req({ method: row.method, url: row.url(ctx), token, payload: row.body?.(ctx) as never });
        expect(res.statusCode, res.body).toBe(row.expect[caller]);
      });
    }
  }

  it('covers every event-scoped route', () => {
    const scoped = t.app.routeList.filter((r) => r.url.startsWith('/api/events/:id') && r.method !== 'OPTIONS');
    const listed = new Set(table.map((r) => `${r.method} ${r.route}`));
    for (const r of scoped) expect(listed, `${r.method} ${r.url} needs a row in the matrix`).toContain(`${r.method} ${r.url}`);
  });
});
