import SQLite from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestUser } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { freshSlot } from './helpers/events.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

/*
 * The database away: 503 SERVICE_UNAVAILABLE with Retry-After in the envelope, and recovery
 * without a restart. PostgreSQL: the app reaches it through a relay the test cuts and restores.
 * SQLite: another process-level connection holds the write lock past the busy timeout.
 */
const postgres = process.env.TANDEM_TEST_DIALECT === 'postgres';
let db: TestDatabase;
let proxy: TcpProxy | null = null;
let t: TestApp;
let u: TestUser;
beforeAll(async () => {
  if (postgres) {
    db = await createTestDatabase();
    const url = new URL(db.env.DATABASE_URL);
    proxy = new TcpProxy(url.hostname, Number(url.port));
    url.port = String(await proxy.start());
    t = await startTestApp({ DATABASE_URL: url.toString() });
  } else {
    t = await startTestApp();
  }
  u = await t.user('down');
});
afterAll(async () => {
  await t.close();
  await proxy?.stop();
  await db?.drop();
});

async function outage<T>(during: () => Promise<T>): Promise<T> {
  if (proxy) {
    await proxy.stop();
    try {
      return await during();
    } finally {
      await proxy.start();
    }
  }
  const other = new SQLite(join(t.c.config.dataDir, 'tandem.db'));
  other.pragma('busy_timeout = 0');
  other.prepare('begin exclusive').run();
  try {
    return await during();
  } finally {
    other.prepare('rollback').run();
    other.close();
  }
}

describe('database unavailable', () => {
  it('answers 503 with Retry-After while it is away and recovers when it returns', { timeout: 60_000 }, async () => {
    const res = await outage(() => t.req({ method: 'POST', url: '/api/events', token: u.access, payload: { title: 'During', ...freshSlot() } }));
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().detail.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.body).not.toMatch(/ECONN|SQLITE|57P|terminated/i);
    const after = await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: { title: 'After', ...freshSlot() } });
    expect(after.statusCode, after.body).toBe(201);
    // The failed write was audited as an error with the API's code, never the driver's.
    const rows = await t.c.handle.db.selectFrom('audit_log').select(['outcome', 'details']).where('user_id', '=', u.id).where('action', '=', 'event.create').orderBy('id').execute();
    const failed = rows.filter((r) => r.outcome !== 'ok');
    for (const r of failed) {
      expect(r.outcome).toBe('error');
      expect(JSON.parse(r.details).error).toBe('SERVICE_UNAVAILABLE');
    }
  });
});
