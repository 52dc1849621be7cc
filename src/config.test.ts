import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ensureDataDir, loadConfig } from './config.js';

const base = { DATABASE_URL: 'postgres://x@127.0.0.1/db', JWT_SECRET: 'a'.repeat(32) };

describe('TRUST_PROXY', () => {
  it('is false, a hop count (true = 1) or a list of addresses and CIDRs', () => {
    expect(loadConfig({ ...base }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1, fd00::/8' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8']);
    for (const bad of ['maybe', '10.0.0.0/33', '10.0.0.1/8/1', 'nginx']) expect(() => loadConfig({ ...base, TRUST_PROXY: bad }), bad).toThrow(ConfigError);
  });
  it('reads SESSION_MAX_AGE_SECONDS and METRICS_TOKEN, and refuses a short JWT_SECRET', () => {
    expect(loadConfig({ ...base }).sessionMaxAgeSeconds).toBe(2_592_000);
    expect(loadConfig({ ...base, SESSION_MAX_AGE_SECONDS: '3600', METRICS_TOKEN: 'm' }).metricsToken).toBe('m');
    expect(() => loadConfig({ ...base, JWT_SECRET: 'é'.repeat(15) })).toThrow(/JWT_SECRET/);
  });
});

describe('DATA_DIR', () => {
  it('tightens a folder of its own to 0700 and refuses a shared one such as /tmp, leaving it as it was', () => {
    const own = mkdtempSync(join(tmpdir(), 'tandem-own-'));
    ensureDataDir(own);
    expect(statSync(own).mode & 0o777).toBe(0o700);
    rmSync(own, { recursive: true, force: true });
    const before = statSync(tmpdir()).mode;
    expect(() => ensureDataDir(tmpdir())).toThrow(/DATA_DIR .* shared folder/);
    expect(() => loadConfig({ DATA_DIR: tmpdir() })).toThrow(ConfigError);
    expect(statSync(tmpdir()).mode).toBe(before);
  });
});
