import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startTestApp, type TestApp, type TestUser } from './helpers/app.js';
import { createEvent } from './helpers/events.js';
import { icalVevents, nodeIcalVevents } from './helpers/ical.js';

/* Export of one event and of a calendar, and secret subscription feeds read as a subscriber would. */
let t: TestApp;
let owner: TestUser;
let friend: TestUser;
let shared: any;
let ownEvent: any;
beforeAll(async () => {
  t = await startTestApp();
  await t.listen();
  owner = await t.user('feedowner');
  friend = await t.user('feedfriend');
  ownEvent = await createEvent(t, friend, {
    title: 'Weekly review', start_time: '2026-10-19T15:00:00Z', end_time: '2026-10-19T16:00:00Z', timezone: 'Europe/Berlin',
    recurrence_pattern: { rrule: 'FREQ=WEEKLY;COUNT=4' }, uid: 'review@example.com',
  });
  shared = await createEvent(t, owner, { title: 'Shared, with; punctuation', start_time: '2026-11-02T10:00:00Z', end_time: '2026-11-02T11:00:00Z', timezone: 'America/New_York' });
  const share = await t.req({ method: 'POST', url: `/api/events/${shared.id}/share`, token: owner.access, payload: { user_id: friend.id, role: 'VIEWER' } });
  expect(share.statusCode, share.body).toBeLessThan(300);
});
afterAll(async () => t.close());

const get = (url: string, token?: string, headers: Record<string, string> = {}) => t.req({ method: 'GET', url, token, headers });

describe('export', () => {
  it('serves one event to any role with the event\'s ETag, and 304 for it', async () => {
    const json = await get(`/api/events/${shared.id}`, friend.access);
    const ics = await get(`/api/events/${shared.id}/ics`, friend.access);
    expect(ics.statusCode).toBe(200);
    expect(ics.headers.etag).toBe(json.headers.etag);
    expect(ics.body).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:/);
    const [v] = icalVevents(ics.body);
    expect(v.getFirstPropertyValue('uid')).toBe(json.json().uid);
    expect(v.getFirstPropertyValue('summary')).toBe('Shared, with; punctuation');
    expect(ics.body).toContain('SUMMARY:Shared\\, with\\; punctuation');
    expect(ics.body).toContain('DTSTART;TZID=America/New_York:20261102T050000');
    expect(ics.body).toContain('BEGIN:VTIMEZONE\r\nTZID:America/New_York');
    expect(nodeIcalVevents(ics.body)[0].start.getTime()).toBe(Date.parse('2026-11-02T10:00:00Z'));
    const again = await get(`/api/events/${shared.id}/ics`, friend.access, { 'if-none-match': ics.headers.etag as string });
    expect(again.statusCode).toBe(304);
    expect((await get(`/api/events/${shared.id}/ics`, (await t.user('stranger')).access)).statusCode).toBe(404);
  });

  it('serves the calendar (optionally a window) with a content ETag', async () => {
    const all = await get('/api/calendar.ics', friend.access);
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(icalVevents(all.body).map((v) => v.getFirstPropertyValue('uid')).sort()).toEqual([shared.uid, 'review@example.com'].sort());
    expect(nodeIcalVevents(all.body)).toHaveLength(2);
    expect((await get('/api/calendar.ics', friend.access, { 'if-none-match': all.headers.etag as string })).statusCode).toBe(304);
    const window = await get('/api/calendar.ics?start_time=2026-10-01T00:00:00Z&end_time=2026-10-25T00:00:00Z', friend.access);
    expect(icalVevents(window.body).map((v) => v.getFirstPropertyValue('uid'))).toEqual(['review@example.com']);
    expect((await get('/api/calendar.ics?start_time=yesterday', friend.access)).statusCode).toBe(400);
  });
});

describe('feeds', () => {
  let feed: any;
  it('creates a feed whose secret address is shown once and works without credentials', async () => {
    const res = await t.req({ method: 'POST', url: '/api/feeds', token: friend.access, headers: { host: new URL(t.url).host }, payload: { name: 'Friend\'s calendar' } });
    expect(res.statusCode, res.body).toBe(201);
    feed = res.json();
    expect(feed.url).toMatch(new RegExp(`^${t.url.replace(/\./g, '\\.')}/ical/[A-Za-z0-9_-]{43}\\.ics$`));
    const list = (await get('/api/feeds', friend.access)).json();
    expect(list.items).toEqual([{ id: feed.id, name: 'Friend\'s calendar', created_at: feed.created_at }]);
    expect(JSON.stringify(list)).not.toContain(feed.url.split('/ical/')[1]);
    const path = new URL(feed.url).pathname;
    const body = await get(path);
    expect(body.statusCode).toBe(200);
    expect(body.body).toContain('X-WR-CALNAME:Friend\'s calendar');
    expect(icalVevents(body.body)).toHaveLength(2);
    expect((await get(path, undefined, { 'if-none-match': body.headers.etag as string })).statusCode).toBe(304);
    expect((await get('/ical/not-a-secret.ics')).statusCode).toBe(404);
    expect((await get(`/api/feeds`, owner.access)).json().items).toEqual([]);
  });

  it('follows what its creator can see now, and is gone at once when deleted', async () => {
    const path = new URL(feed.url).pathname;
    const before = await get(path);
    const revoke = await t.req({ method: 'DELETE', url: `/api/events/${shared.id}/permissions/${friend.id}`, token: owner.access });
    expect(revoke.statusCode, revoke.body).toBeLessThan(300);
    const after = await get(path, undefined, { 'if-none-match': before.headers.etag as string });
    expect(after.statusCode).toBe(200);
    expect(icalVevents(after.body).map((v) => v.getFirstPropertyValue('uid'))).toEqual(['review@example.com']);
    expect((await t.req({ method: 'DELETE', url: `/api/feeds/${feed.id}`, token: owner.access })).statusCode).toBe(404);
    expect((await t.req({ method: 'DELETE', url: `/api/feeds/${feed.id}`, token: friend.access })).statusCode).toBe(204);
    expect((await get(path)).statusCode).toBe(404);
  });

  it('takes its base from PUBLIC_URL when set', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-url-'));
    expect(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://cal.example.com/' }).publicUrl).toBe('https://cal.example.com');
    expect(() => loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is read by vdirsyncer\'s http storage into a filesystem storage, one .ics per event', async () => {
    const res = await t.req({ method: 'POST', url: '/api/feeds', token: friend.access, headers: { host: new URL(t.url).host }, payload: { name: 'vdirsyncer' } });
    const url = res.json().url as string;
    const dir = mkdtempSync(join(tmpdir(), 'tandem-vdir-'));
    try {
      const config = join(dir, 'config');
      mkdirSync(join(dir, 'cal')); // else discover asks whether to create it
      writeFileSync(config, [
        '[general]', `status_path = "${dir}/status/"`, '',
        '[pair feed]', 'a = "sub"', 'b = "local"', 'collections = null', 'conflict_resolution = "a wins"', '',
        '[storage sub]', 'type = "http"', `url = "${url}"`, '',
        '[storage local]', 'type = "filesystem"', `path = "${dir}/cal/"`, 'fileext = ".ics"', '',
      ].join('\n'));
      const env = { ...process.env, VDIRSYNCER_CONFIG: config, HOME: dir, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
      const run = promisify(execFile);
      await run('vdirsyncer', ['discover'], { env, timeout: 60_000 });
      await run('vdirsyncer', ['sync'], { env, timeout: 60_000 });
      const files = readdirSync(join(dir, 'cal')).filter((f) => f.endsWith('.ics'));
      expect(files).toHaveLength(1);
      const text = readFileSync(join(dir, 'cal', files[0]), 'utf8');
      const [v] = icalVevents(text);
      // vdirsyncer's http storage replaces UIDs by content hashes unless ignore_uids = false (its default).
      expect(v.getFirstPropertyValue('summary')).toBe('Weekly review');
      expect(v.getFirstPropertyValue('rrule')!.toString()).toBe('FREQ=WEEKLY;COUNT=4');
      expect(text).toContain('BEGIN:VTIMEZONE');
      expect(nodeIcalVevents(text)[0].start.getTime()).toBe(Date.parse('2026-10-19T15:00:00Z'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
