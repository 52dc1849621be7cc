import { api, type BenchContext, type Result, type Scenario } from './lib.js';
import { fanOutScenario } from './fan-out.js';

let n = 0;
/** A fresh user with an access token. */
export async function benchUser(ctx: BenchContext, prefix = 'bench'): Promise<{ id: number; token: string }> {
  const name = `${prefix}${Date.now()}x${++n}`;
  const r = await ctx.api('POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'bench-password' });
  return { id: r.id, token: r.access_token };
}

export const scenarios: Scenario[] = [
  {
    name: 'GET /api/users/me',
    async run(ctx) {
      const u = await benchUser(ctx);
      return ctx.measure('GET /api/users/me', { url: ctx.url + '/api/users/me', headers: { authorization: `Bearer ${u.token}` } });
    },
  },
];

/** Creates `n` one-off events a day apart for a user; returns their ids. */
async function seedEvents(ctx: BenchContext, token: string, n: number, startDay = Date.UTC(2030, 0, 1)): Promise<number[]> {
  const events = Array.from({ length: n }, (_, i) => {
    const s = startDay + i * 86_400_000 + 9 * 3600_000;
    return { title: `Bench event ${i}`, description: 'Quarterly planning with the whole team', start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() };
  });
  const ids: number[] = [];
  for (let i = 0; i < events.length; i += 100) {
    const r = await ctx.api('POST', '/api/events/batch', token, { events: events.slice(i, i + 100) });
    ids.push(...r.events.map((e: { id: number }) => e.id));
  }
  return ids;
}

scenarios.push(
  {
    name: 'GET /api/events/{id}',
    async run(ctx) {
      const u = await benchUser(ctx);
      const [id] = await seedEvents(ctx, u.token, 1);
      return ctx.measure('GET /api/events/{id}', { url: `${ctx.url}/api/events/${id}`, headers: { authorization: `Bearer ${u.token}` } });
    },
  },
  {
    name: 'GET /api/events (window of 50)',
    async run(ctx) {
      const u = await benchUser(ctx);
      await seedEvents(ctx, u.token, 200);
      const ws = new Date(Date.UTC(2030, 0, 1)).toISOString();
      const we = new Date(Date.UTC(2030, 0, 51)).toISOString();
      return ctx.measure('GET /api/events (window of 50)', {
        url: `${ctx.url}/api/events?start_time=${ws}&end_time=${we}&limit=100`,
        headers: { authorization: `Bearer ${u.token}` },
      });
    },
  },
  {
    name: 'POST /api/events (create)',
    async run(ctx) {
      const u = await benchUser(ctx);
      let i = 0;
      // Each request books its own slot, so conflict checks pass and every create writes.
      return ctx.measure('POST /api/events (create)', {
        url: `${ctx.url}/api/events`,
        method: 'POST',
        headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              const s = Date.UTC(2035, 0, 1) + ++i * 7_200_000;
              return { ...req, body: JSON.stringify({ title: `Created ${i}`, start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() }) };
            },
          },
        ],
      });
    },
  },
  {
    name: 'PUT /api/events/{id} (update)',
    async run(ctx) {
      const u = await benchUser(ctx);
      const [id] = await seedEvents(ctx, u.token, 1);
      let i = 0;
      return ctx.measure('PUT /api/events/{id} (update)', {
        url: `${ctx.url}/api/events/${id}`,
        method: 'PUT',
        headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
        requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ title: `Updated ${++i}` }) }) }],
      });
    },
  },
);

scenarios.push({
  name: 'GET /api/events/{id}/diff/1/200',
  async run(ctx) {
    const u = await benchUser(ctx);
    const [id] = await seedEvents(ctx, u.token, 1, Date.UTC(2036, 0, 1));
    // 199 edits (200 versions) that drift the title, a 60-word description and now and then the time.
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`);
    for (let v = 2; v <= 200; v++) {
      words[(v * 7) % words.length] = `edit${v}`;
      const body: Record<string, unknown> = { title: `Diffed event ${v}`, description: words.join(' ') };
      if (v % 25 === 0) {
        const s = Date.UTC(2036, 0, 1) + v * 3600_000;
        Object.assign(body, { start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() });
      }
      await ctx.api('PUT', `/api/events/${id}?check_conflicts=false`, u.token, body);
    }
    const d = await ctx.api('GET', `/api/events/${id}/diff/1/200`, u.token);
    if (!d.changes.length) throw new Error('diff scenario: expected changes between versions 1 and 200');
    return ctx.measure('GET /api/events/{id}/diff/1/200', { url: `${ctx.url}/api/events/${id}/diff/1/200`, headers: { authorization: `Bearer ${u.token}` } });
  },
});

scenarios.push(fanOutScenario);

scenarios.push({
  name: 'GET /api/events/{id} cache on/off',
  async run(ctx) {
    const rows: Result[] = [];
    for (const [label, url] of [['cache on', ctx.url], ['cache off', ctx.uncachedUrl]] as const) {
      const local = { ...ctx, url, api: (m: string, p: string, t?: string, b?: unknown) => api(url, m, p, t, b) };
      const u = await benchUser(local, 'cache');
      const [id] = await seedEvents(local, u.token, 1);
      rows.push(await ctx.measure(`GET /api/events/{id} (${label})`, { url: `${url}/api/events/${id}`, headers: { authorization: `Bearer ${u.token}` } }));
    }
    return rows;
  },
});

