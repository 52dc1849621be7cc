/**
 * Generated hostile input (SPEC §11): requests derived from every route the app registers and its
 * OpenAPI schemas — wrong types, missing and extra fields, huge and empty strings, NUL and unpaired
 * surrogates, deep nesting, wrong content types, absurd ids, injection-shaped strings, bad zones
 * and rules, wrong methods, malformed request lines over raw TCP. Every answer must be below 500,
 * every error in the envelope, and a rejected request must change nothing in the database.
 * Runs on SQLite and PostgreSQL (this file is in both projects); FUZZ_REQUESTS sets the volume
 * per database and FUZZ_SEED replays a run.
 */
import fc from 'fast-check';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDatabase, diffDumps, fingerprint } from './helpers/db-dump.js';
import { discoverOperations, hostileRequest, type HostileRequest, type Operation, type World } from './helpers/hostile-requests.js';
import { envelopeProblem, leakIn, send, sendRaw, type Answer } from './helpers/hostile-send.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { createEvent } from './helpers/events.js';
import { rawRequests } from './helpers/hostile-raw.js';

// At least 10,000 per run over both databases; PostgreSQL round trips cost more, so SQLite takes the larger share.
const PER_DB = Number(process.env.FUZZ_REQUESTS ?? ((process.env.TANDEM_TEST_DIALECT ?? 'sqlite') === 'postgres' ? 3640 : 6500));
const GROUP = 26;
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const dialect = process.env.TANDEM_TEST_DIALECT ?? 'sqlite';

let t: TestApp;
let w: World;
let ops: Operation[];
const stats = { sent: 0, fiveXX: 0, accepted: 0, badEnvelope: 0, leaks: 0, stateChanges: 0, auditOk: 0, slowest: { ms: 0, what: '' }, healthWorst: 0, healthChecks: 0, healthSkipped: 0, dumpMs: 0 };
/** Bumped when the test's own database dump starts and ends: a /health wait across one is the test's, not the app's. */
let dumpEpoch = 0;
const failures: string[] = [];
const perKind = new Map<string, number>();
const hits = new Map<string, number>();

function fail(kind: string, r: { method: string; url: string; mustReject?: string | null }, a: Answer | null, detail = '') {
  perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
  if (perKind.get(kind)! <= 6) failures.push(`${kind}: ${r.method} ${r.url.slice(0, 160)} [${r.mustReject ?? 'read'}] → ${a?.status ?? '-'} ${detail.slice(0, 300)}`);
}

const auditOk = async () => {
  const rows = await t.c.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('outcome', 'in', ['success', 'ok']).executeTakeFirstOrThrow();
  return Number(rows.n);
};

/** The database as a client could observe it; the audit trail is expected to record rejections. */
const EXCLUDED = ['audit_log', 'kysely_migration', 'kysely_migration_lock'];
const dump = () => dumpDatabase(t.c.handle, EXCLUDED);
const digest = async () => {
  const t0 = performance.now();
  dumpEpoch++;
  try {
    return await fingerprint(t.c.handle, EXCLUDED);
  } finally {
    dumpEpoch++;
    stats.dumpMs += performance.now() - t0;
  }
};

function check(r: HostileRequest, a: Answer) {
  stats.sent++;
  hits.set(`${r.op.method} ${r.op.url}`, (hits.get(`${r.op.method} ${r.op.url}`) ?? 0) + 1);
  if (a.ms > stats.slowest.ms) stats.slowest = { ms: a.ms, what: `${r.method} ${r.url.slice(0, 100)} (${r.mustReject ?? 'read'})` };
  if (a.status >= 500) { stats.fiveXX++; fail('5xx', r, a, a.body.toString('utf8')); }
  // Any unknown page path (normalised traversal included) gets the web client's own index.html: a harmless public read.
  const spaIndex = r.method === 'GET' && a.status === 200 && a.body.toString('utf8', 0, 400).includes('<title>Tandem</title>');
  if (r.mustReject && !spaIndex && (a.status < 400 || a.status >= 500)) { stats.accepted++; fail('not rejected', r, a, a.body.toString('utf8')); }
  if (a.status >= 400) {
    const p = envelopeProblem(a);
    if (p) { stats.badEnvelope++; fail('envelope', r, a, p); }
    const l = leakIn(a);
    if (l) { stats.leaks++; fail('leak', r, a, l); }
  }
}

/**
 * /health over its own socket every few milliseconds while the suite runs: the worst wait is the
 * stall. The app shares this process with the test, so a check that overlapped the test's own
 * database dump (synchronous on SQLite) is counted apart, not as the app's stall.
 */
function watchHealth(base: string) {
  let stop = false;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const loop = (async () => {
    while (!stop) {
      const t0 = performance.now();
      const epoch = dumpEpoch;
      await new Promise<void>((resolve) => http.get(`${base}/health`, { agent }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', () => resolve()));
      if (epoch % 2 === 0 && dumpEpoch === epoch) {
        stats.healthWorst = Math.max(stats.healthWorst, performance.now() - t0);
        stats.healthChecks++;
      } else stats.healthSkipped++;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return async () => { stop = true; await loop; agent.destroy(); };
}

beforeAll(async () => {
  t = await startTestApp();
  // As the server process does before it listens (src/server.ts): the documents' first build is not a request's work.
  t.app.swagger({ yaml: true });
  await t.listen();
  const [owner, viewer, stranger] = [await t.user('fzo'), await t.user('fzv'), await t.user('fzs')];
  const one = await createEvent(t, owner, { title: 'Fuzz one-off', start_time: '2031-05-05T10:00:00Z', end_time: '2031-05-05T11:00:00Z' });
  const weekly = await createEvent(t, owner, { title: 'Fuzz weekly', start_time: '2031-06-02T09:00:00Z', end_time: '2031-06-02T10:00:00Z', timezone: 'Europe/Paris', recurrence_pattern: { rrule: 'FREQ=WEEKLY;COUNT=20' } });
  await t.req({ method: 'PATCH', url: `/api/events/${one.id}`, token: owner.access, payload: { description: 'second version' } });
  for (const e of [one, weekly]) {
    const s = await t.req({ method: 'POST', url: `/api/events/${e.id}/share`, token: owner.access, payload: { users: [{ user_id: viewer.id, role: 'viewer' }] } });
    expect(s.statusCode).toBe(200);
  }
  const notes = (await t.req({ method: 'GET', url: '/api/notifications', token: viewer.access })).json();
  w = {
    tokens: { owner: owner.access, viewer: viewer.access, stranger: stranger.access, refresh: owner.refresh },
    userIds: { owner: owner.id, viewer: viewer.id, stranger: stranger.id },
    eventIds: [one.id, weekly.id],
    notificationIds: notes.items.map((n: { id: number }) => n.id),
    occurrenceKeys: ['2031-06-09T09:00:00Z', '2031-06-16T09:00:00.000Z', '2031-06-23T11:00:00+02:00'],
    usernames: [owner.username, viewer.username],
  };
  ops = discoverOperations(t.app);
}, 120_000);

afterAll(async () => {
  console.log(`[hostile-input ${dialect}] seed ${SEED}: ${stats.sent} hostile requests over ${hits.size} operations; ` +
    `5xx ${stats.fiveXX}; not rejected ${stats.accepted}; bad envelopes ${stats.badEnvelope}; leaks ${stats.leaks}; ` +
    `state changes ${stats.stateChanges}; audit "ok" rows added ${stats.auditOk}; slowest ${stats.slowest.ms.toFixed(0)} ms (${stats.slowest.what}); ` +
    `worst /health ${stats.healthWorst.toFixed(0)} ms over ${stats.healthChecks} checks (${stats.healthSkipped} more overlapped the test's own dump); ${(stats.dumpMs / 1000).toFixed(1)} s spent dumping the database`);
  if (failures.length) console.log(failures.join('\n'));
  await t?.close();
});

describe(`generated hostile input (${dialect})`, () => {
  it('discovers every registered route, REST and WebSocket, with its schemas', () => {
    const urls = new Set(ops.filter((o) => !o.wrongMethod).map((o) => `${o.method} ${o.url}`));
    for (const r of t.app.routeList) if (r.url !== '*' && r.method !== 'OPTIONS') expect(urls).toContain(`${r.method} ${r.url}`);
    expect(urls).toContain('GET /api/notifications/ws');
    expect(ops.find((o) => o.url === '/api/events' && o.method === 'POST')?.body?.properties?.title).toBeTruthy();
  });

  it(`answers ${PER_DB} generated hostile requests with a 4xx envelope or a harmless read, changing nothing`, async () => {
    const doc = t.app.swagger() as Record<string, any>;
    const arb = fc.oneof(...ops.map((op) => ({ weight: op.wrongMethod ? 1 : 6, arbitrary: hostileRequest(op, w, doc) })));
    const stopHealth = watchHealth(t.url);
    // A digest after every group; the full dumps (to name what changed) only when it moved.
    let before = await dump();
    let digestBefore = await digest();
    let okBefore = await auditOk();
    await fc.assert(fc.asyncProperty(fc.array(arb, { minLength: GROUP, maxLength: GROUP }), async (group) => {
      const answers = await Promise.all(group.map((r) => send(t.app, t.url, r).catch((e: Error) => ({ status: 0, contentType: '', body: Buffer.from(String(e.message)), ms: 0 }))));
      group.forEach((r, i) => check(r, answers[i]));
      const groupText = group.map((r) => `${r.method} ${r.url.slice(0, 60)} [${r.mustReject ?? 'read'}]`).join(' | ');
      const digestAfter = await digest();
      if (digestAfter !== digestBefore) {
        const after = await dump();
        stats.stateChanges++;
        fail('state changed', { method: 'group', url: groupText }, null, diffDumps(before, after).join('; '));
        before = after;
        digestBefore = digestAfter;
      }
      const okNow = await auditOk();
      if (okNow !== okBefore) {
        stats.auditOk += okNow - okBefore;
        fail('audit ok row', { method: 'group', url: groupText }, null);
        okBefore = okNow;
      }
      return true;
    }), { numRuns: Math.ceil(PER_DB / GROUP), seed: SEED, endOnFailure: true });
    await stopHealth();
    // Every route got its share, so a route added later cannot hide from the suite.
    for (const op of ops.filter((o) => !o.wrongMethod)) expect(hits.get(`${op.method} ${op.url}`) ?? 0, `${op.method} ${op.url}`).toBeGreaterThan(0);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(stats).toMatchObject({ fiveXX: 0, accepted: 0, stateChanges: 0, auditOk: 0 });
  }, 240_000);

  it('answers malformed request lines and headers on a raw socket with a 4xx envelope, and keeps serving', async () => {
    const before = await dump();
    for (const raw of rawRequests()) {
      const a = await sendRaw(t.url, raw);
      const r = { method: 'RAW', url: JSON.stringify(raw.slice(0, 80)), mustReject: 'malformed' };
      stats.sent++;
      if (a.status < 400 || a.status >= 500) { fail('raw', r, a, a.raw); continue; }
      const p = a.body.length ? envelopeProblem(a) : 'no body';
      if (p) fail('raw envelope', r, a, `${p} ${a.raw}`);
    }
    expect(diffDumps(before, await dump())).toEqual([]);
    expect((await t.req({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect(failures, failures.join('\n')).toEqual([]);
  }, 60_000);
});
