import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { davUser, type DavUser } from './helpers.js';

const run = promisify(execFile);
const SUITES = ['basic', 'props', 'http'];

/** litmus's per-suite summaries and the lines of the tests that did not pass. */
function parse(out: string) {
  const summaries = new Map<string, { run: number; passed: number; failed: number }>();
  for (const m of out.matchAll(/<- summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g)) {
    summaries.set(m[1], { run: +m[2], passed: +m[3], failed: +m[4] });
  }
  const skipped = [...out.matchAll(/<- all tests skipped for `(\w+)'/g)].map((m) => m[1]);
  const failures = out.split('\n').filter((l) => /\bFAIL\b/.test(l)).map((l) => l.trim());
  return { summaries, skipped, failures };
}

// Debian's litmus (the WebDAV server test suite) against a plain WebDAV folder of the calendar home.
describe('litmus basic props http', () => {
  let t: TestApp;
  let u: DavUser;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.listen();
    u = await davUser(t, 'litmus');
    dir = mkdtempSync(join(tmpdir(), 'tandem-litmus-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes every test of the basic, props and http suites', async () => {
    let out: string;
    let exit = 'exit 0';
    try {
      const res = await run('/usr/bin/litmus', ['-k', `${t.url}/dav/calendars/${u.username}/`, u.username, u.appPassword], {
        cwd: dir, timeout: 120_000, env: { ...process.env, TESTS: SUITES.join(' ') },
      });
      out = res.stdout + res.stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string; code?: unknown; signal?: unknown };
      out = (e.stdout ?? '') + (e.stderr ?? '');
      exit = `exit ${String(e.code)} signal ${String(e.signal)}: ${e.message.slice(0, 300)}`;
    }
    const { summaries, skipped, failures } = parse(out);
    const why = `litmus failures:\n${failures.join('\n') || '(none listed)'}\n\nlitmus ${exit}; full output:\n${out}`;
    expect(skipped, why).toEqual([]);
    expect([...summaries.keys()].sort(), why).toEqual([...SUITES].sort());
    for (const s of SUITES) {
      const r = summaries.get(s)!;
      expect(r.run, why).toBeGreaterThan(0);
      expect({ suite: s, failed: r.failed, passed: r.passed }, why).toEqual({ suite: s, failed: 0, passed: r.run });
    }
    expect(failures, why).toEqual([]);

    // What litmus left behind is the caller's: its folder is listed in the home and gone for nobody else.
    const other = await davUser(t, 'litmus2');
    const res = await t.app.inject({ method: 'PROPFIND', url: `/dav/calendars/${u.username}/litmus/`, headers: { authorization: other.basic, depth: '0' } });
    expect(res.statusCode).toBe(404);
  });
});
