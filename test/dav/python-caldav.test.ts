import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { davUser } from './helpers.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./clients/python_caldav.py', import.meta.url));

// Debian's python3-caldav, run with the system Python as a user's script would be.
describe('python3-caldav client', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    base = await t.listen();
  });
  afterAll(async () => t.close());

  it('discovers, expands a series across DST, and follows REST changes by sync token', async () => {
    const u = await davUser(t, 'py');
    const { stdout } = await run('/usr/bin/python3', [script, base, u.username, u.appPassword, u.access], { timeout: 60_000 }).catch((err) => {
      throw new Error(`python3-caldav run failed: ${err.stdout ?? ''} ${err.stderr ?? ''}`);
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out).toMatchObject({ ok: true, expanded: ['2030-03-25T08:00:00Z', '2030-04-01T07:00:00Z'], initial: 1 });
    expect(out.deleted).toHaveLength(1);
    // The client's write is an event with its history, as any REST write.
    const ev = (await t.req({ method: 'GET', url: '/api/events?limit=100', token: u.access })).json().items.find((e: { uid: string }) => e.uid === 'py-weekly@test');
    expect(ev).toMatchObject({ title: 'Standup (REST)', timezone: 'Europe/Berlin', start_time: '2030-03-18T08:00:00Z' });
    const changelog = (await t.req({ method: 'GET', url: `/api/events/${ev.id}/changelog`, token: u.access })).json();
    expect(changelog.items.map((i: { action: string }) => i.action)).toEqual(['updated', 'created']);
  });
});
