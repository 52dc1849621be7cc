import { expect } from 'vitest';
import type { TestApp, TestUser } from './app.js';

/** Creates an event and asserts 201; returns the body. */
export async function createEvent(t: TestApp, u: TestUser, body: Record<string, unknown>, query = ''): Promise<any> {
  const res = await t.req({ method: 'POST', url: `/api/events${query}`, token: u.access, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export function fieldsOf(res: { json(): any }): string[] {
  return (res.json().detail.errors ?? []).map((e: { field: string }) => e.field).sort();
}

let hour = 0;
/** A one-hour slot no other test uses (tests share a user only within one file). */
export function freshSlot(): { start_time: string; end_time: string } {
  const start = Date.UTC(2030, 0, 1) + ++hour * 3 * 3600_000;
  return { start_time: new Date(start).toISOString(), end_time: new Date(start + 3600_000).toISOString() };
}
