import { expect } from 'vitest';
import type { TestApp, TestUser } from '../helpers/app.js';

export interface DavUser extends TestUser {
  appPassword: string;
  basic: string;
}

/** A registered user with an app password, and its Basic header. */
export async function davUser(t: TestApp, prefix = 'dav'): Promise<DavUser> {
  const u = await t.user(prefix);
  const res = await t.req({ method: 'POST', url: '/api/auth/app-passwords', token: u.access, payload: { name: 'test client' } });
  expect(res.statusCode, res.body).toBe(201);
  const appPassword = res.json().password as string;
  return { ...u, appPassword, basic: 'Basic ' + Buffer.from(`${u.username}:${appPassword}`).toString('base64') };
}

/** A DAV request through inject with the user's Basic credentials. */
export function dav(t: TestApp, u: DavUser | null, method: string, url: string, body?: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(u ? { authorization: u.basic } : {}), ...(body !== undefined ? { 'content-type': headers['content-type'] ?? 'application/xml; charset=utf-8' } : {}), ...headers },
    ...(body !== undefined ? { payload: body } : {}),
  });
}

export const collectionOf = (u: TestUser) => `/dav/calendars/${u.username}/events/`;

/** A minimal VCALENDAR with one VEVENT. */
export function vevent(uid: string, fields: { summary?: string; start?: string; end?: string; extra?: string; tz?: string } = {}): string {
  const tz = fields.tz;
  const dt = (k: string, v: string) => (tz ? `${k};TZID=${tz}:${v}` : `${k}:${v}`);
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    dt('DTSTART', fields.start ?? '20300105T090000Z'), dt('DTEND', fields.end ?? '20300105T100000Z'), `SUMMARY:${fields.summary ?? 'Meeting'}`,
    ...(fields.extra ? [fields.extra] : []), 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

export { notificationsSocket } from '../helpers/ws-client.js';
