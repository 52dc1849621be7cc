import { spawn } from 'node:child_process';
import pg from 'pg';
import { interleaved, type Plan } from './interleave.js';
import { freePort, tempDataDir, startTandem, type Row, type Server } from './lib.js';
import { createEvents, sharedEvent } from './scenarios.js';
import { registerUser } from './lib.js';

/*
 * Scaled mode with one instance: PostgreSQL (a fresh database on TEST_DATABASE_URL's server) and a
 * private redis-server, the same GET and update as the embedded rows, against the baseline.
 * Skipped (with a note) unless TEST_DATABASE_URL and TEST_REDIS_URL are set.
 */
export async function scaledMode(plan: Plan, baseline: Server): Promise<{ summary: Row[]; rounds: Row[] }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl || !process.env.TEST_REDIS_URL) {
    return { summary: [{ scenario: 'scaled mode (PostgreSQL + Redis)', note: 'skipped: TEST_DATABASE_URL / TEST_REDIS_URL not set' }], rounds: [] };
  }
  const name = `tandem_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let server: Server | null = null;
  try {
    await new Promise((r) => setTimeout(r, 300));
    server = await startTandem(tempDataDir(), { DATABASE_URL: url.toString(), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    const srv = server;
    const summary: Row[] = [];
    const rounds: Row[] = [];
    const reader = await registerUser(srv.url, 'pgreader');
    const [id] = await createEvents(srv.url, reader.token, 1);
    const get = await interleaved(plan, baseline, 'scaled: GET /api/events/{id}, cache warm', () => ({ url: `${srv.url}/api/events/${id}`, headers: { authorization: `Bearer ${reader.token}` } }));
    const shared = await sharedEvent(srv.url, 5);
    const put = await interleaved(plan, baseline, 'scaled: PUT /api/events/{id} (shared with 5)', (round) => ({
      url: `${srv.url}/api/events/${shared.id}`, method: 'PUT', headers: { authorization: `Bearer ${shared.token}` }, bodyKind: 'update', slotBase: round,
    }));
    for (const r of [get, put]) (summary.push(r.summary), rounds.push(...r.rounds));
    return { summary, rounds };
  } finally {
    await server?.stop();
    redis.kill('SIGTERM');
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
  }
}
