import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { davUser, notificationsSocket, vevent, type DavUser } from './helpers.js';

const run = promisify(execFile);

// Debian's vdirsyncer: a two-way sync between a local folder of .ics files and the collection.
describe('vdirsyncer two-way sync', () => {
  let t: TestApp;
  let u: DavUser;
  let dir: string;
  let local: string;
  let config: string;

  const vdir = async (...args: string[]) => {
    try {
      return await run('/usr/bin/vdirsyncer', ['-c', config, ...args], { timeout: 60_000, env: { ...process.env, HOME: dir, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' } });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`vdirsyncer ${args.join(' ')} failed: ${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  };
  const files = () => readdirSync(local).filter((f) => f.endsWith('.ics')).sort();
  const restEvents = async () => (await t.req({ method: 'GET', url: '/api/events?limit=100', token: u.access })).json().items as { id: number; uid: string; title: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    const base = await t.listen();
    u = await davUser(t, 'vds');
    dir = mkdtempSync(join(tmpdir(), 'tandem-vdirsyncer-'));
    local = join(dir, 'local');
    mkdirSync(local);
    mkdirSync(join(dir, 'status'));
    config = join(dir, 'config');
    writeFileSync(config, [
      '[general]', `status_path = "${join(dir, 'status')}/"`, '',
      '[pair tandem]', 'a = "local"', 'b = "remote"', 'collections = null', 'conflict_resolution = "a wins"', '',
      '[storage local]', 'type = "filesystem"', `path = "${local}/"`, 'fileext = ".ics"', '',
      '[storage remote]', 'type = "caldav"', `url = "${base}/dav/calendars/${u.username}/events/"`, `username = "${u.username}"`, `password = "${u.appPassword}"`, '',
    ].join('\n'));
    await vdir('discover');
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates on each side, edits on each side and deletes on each side', async () => {
    // Created over REST → arrives as a file.
    const fromRest = (await t.req({ method: 'POST', url: '/api/events', token: u.access, payload: { title: 'From REST', start_time: '2030-06-01T10:00:00Z', end_time: '2030-06-01T11:00:00Z' } })).json();
    await vdir('sync');
    expect(files()).toHaveLength(1);
    const restFile = files()[0];
    expect(readFileSync(join(local, restFile), 'utf8')).toContain('SUMMARY:From REST');

    // Created as a file → arrives over REST.
    writeFileSync(join(local, 'local-1.ics'), vevent('local-1@vdirsyncer', { summary: 'From disk', start: '20300602T100000Z', end: '20300602T110000Z' }));
    await vdir('sync');
    const fromDisk = (await restEvents()).find((e) => e.uid === 'local-1@vdirsyncer')!;
    expect(fromDisk.title).toBe('From disk');

    // A collaborator listens on their WebSocket (shared before the edit; the share itself is version 1's notification).
    const watcher = await t.user('vdw');
    expect((await t.req({ method: 'POST', url: `/api/events/${fromDisk.id}/share`, token: u.access, payload: { user_id: watcher.id, role: 'VIEWER' } })).statusCode).toBe(200);
    const ws = await notificationsSocket(t.url, watcher.access);

    // Edited on disk → a new version; edited over REST → the file changes.
    writeFileSync(join(local, 'local-1.ics'), vevent('local-1@vdirsyncer', { summary: 'From disk, edited', start: '20300602T100000Z', end: '20300602T110000Z' }));
    await t.req({ method: 'PATCH', url: `/api/events/${fromRest.id}`, token: u.access, payload: { title: 'From REST, edited' } });
    await vdir('sync');
    // The collaborator hears of vdirsyncer's edit (skipping the share's own notification, replayed on connect or not).
    let note = await ws.next();
    while (note.data?.type !== 'event_updated') note = await ws.next();
    expect(note).toMatchObject({ type: 'notification', data: { event_id: fromDisk.id, type: 'event_updated' } });
    await ws.close();
    expect((await restEvents()).find((e) => e.id === fromDisk.id)!.title).toBe('From disk, edited');
    const history = (await t.req({ method: 'GET', url: `/api/events/${fromDisk.id}/history`, token: u.access })).json();
    expect(history.total).toBe(2);
    expect(readFileSync(join(local, restFile), 'utf8')).toContain('SUMMARY:From REST\\, edited');

    // A second sync with nothing changed writes nothing.
    await vdir('sync');
    expect((await t.req({ method: 'GET', url: `/api/events/${fromDisk.id}/history`, token: u.access })).json().total).toBe(2);

    // Deleted on disk → deleted in Tandem (restorable); deleted over REST → the file goes.
    unlinkSync(join(local, 'local-1.ics'));
    await t.req({ method: 'DELETE', url: `/api/events/${fromRest.id}`, token: u.access });
    await vdir('sync');
    expect((await t.req({ method: 'GET', url: `/api/events/${fromDisk.id}`, token: u.access })).statusCode).toBe(404);
    expect(files()).toEqual([]);
    expect((await t.req({ method: 'POST', url: `/api/events/${fromDisk.id}/restore`, token: u.access })).statusCode).toBe(200);
  });
});
