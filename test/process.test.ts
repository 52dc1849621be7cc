import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, freePort, Instance } from './helpers/cluster.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

/* The real process: start-up validation, graceful shutdown, durability across kill -9. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

function exitOf(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, ...db.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('the server process', () => {
  // Five process starts: generous on a loaded two-core CI machine (each start is ~1–7 s there).
  it('refuses to start on a bad setting, with one line naming the variable', { timeout: 120_000 }, async () => {
    for (const [name, value] of [['PORT', 'eighty'], ['RATE_LIMIT_USER_PER_MINUTE', '0'], ['LOG_LEVEL', 'loud'], ['REDIS_URL', 'http://x'], ['TRUST_PROXY', 'maybe']]) {
      const { code, stderr } = await exitOf({ [name]: value });
      expect(code, name).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(name);
    }
  });

  // Two real processes start one after the other: a generous bound for a loaded machine.
  it('shuts down gracefully on SIGTERM and keeps acknowledged writes across kill -9', { timeout: 120_000 }, async () => {
    const env = { ...db.env, RATE_LIMIT_AUTH_PER_MINUTE: '1000' };
    const app = new Instance(await freePort(), env);
    await app.start();
    const reg = await call(app.url, 'POST', '/api/auth/register', undefined, { username: 'durable', email: 'durable@example.com', password: 'password123' });
    expect(reg.status).toBe(201);
    const ev = await call(app.url, 'POST', '/api/events', reg.body.access_token, { title: 'Survives', start_time: '2060-01-01T10:00:00Z', end_time: '2060-01-01T11:00:00Z' });
    expect(ev.status).toBe(201);
    // kill -9 right after the acknowledgement.
    const exited = new Promise((r) => app.child!.once('exit', r));
    app.child!.kill('SIGKILL');
    await exited;

    const again = new Instance(await freePort(), env);
    await again.start();
    const login = await call(again.url, 'POST', '/api/auth/login', undefined, { username: 'durable', password: 'password123' });
    expect(login.status).toBe(200);
    const read = await call(again.url, 'GET', `/api/events/${ev.body.id}`, login.body.access_token);
    expect(read.body.title).toBe('Survives');

    const code = await new Promise<number | null>((resolve) => {
      again.child!.once('exit', (c) => resolve(c));
      again.child!.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
