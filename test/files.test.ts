import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, freePort, Instance } from './helpers/cluster.js';

/* SPEC §11 files, with the real server process in embedded mode (SQLite in DATA_DIR, generated secret). */
const root = mkdtempSync(join(tmpdir(), 'tandem-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const embedded = (dataDir: string) => ({ DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', JWT_SECRET: '' });
const mode = (p: string) => statSync(p).mode & 0o777;

function exitOf(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('files of the embedded mode', () => {
  it('creates the data folder 0700 and the database, its WAL and shared-memory files 0600', async () => {
    const dir = join(root, 'data');
    const app = new Instance(await freePort(), embedded(dir));
    await app.start();
    try {
      const reg = await call(app.url, 'POST', '/api/auth/register', undefined, { username: 'files', email: 'files@example.com', password: 'password123' });
      expect(reg.status).toBe(201);
      expect(mode(dir)).toBe(0o700);
      for (const f of ['tandem.db', 'tandem.db-wal', 'tandem.db-shm', 'jwt-secret']) {
        expect(existsSync(join(dir, f)), f).toBe(true);
        expect(mode(join(dir, f)), f).toBe(0o600);
      }
    } finally {
      await app.stop();
    }
  });

  it('refuses a JWT secret shorter than 32 bytes, from the file or JWT_SECRET, naming it', async () => {
    const dir = join(root, 'short');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'jwt-secret'), 'abc');
    const file = await exitOf(embedded(dir));
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('jwt-secret');
    expect(file.stderr.trim().split('\n')).toHaveLength(1);
    const env = await exitOf({ ...embedded(join(root, 'env')), JWT_SECRET: 'x'.repeat(31) });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('JWT_SECRET');
  });
});
