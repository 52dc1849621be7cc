import { expect } from 'vitest';
import type { TestApp, TestUser } from './app.js';

export type Snap = Record<string, unknown>;
export interface Change {
  field: string;
  from: unknown;
  to: unknown;
  segments?: { op: 'equal' | 'insert' | 'delete'; text: string }[];
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Applies a diff endpoint's changes to a snapshot, the way a client would. */
export function apply(a: Snap, changes: Change[]): Snap {
  const out = structuredClone(a);
  for (const c of changes) out[c.field] = c.to;
  return out;
}

/** The text a word diff's segments rebuild: the old side (`delete`) or the new side (`insert`). */
export function side(segments: NonNullable<Change['segments']>, keep: 'insert' | 'delete'): string {
  return segments.filter((s) => s.op === 'equal' || s.op === keep).map((s) => s.text).join('');
}

/**
 * Request helpers for history tests; `app` and `owner` are read lazily because test files
 * assign them in beforeAll. The owner is the default caller and the one who shares.
 */
export function historyApi(app: () => TestApp, owner: () => TestUser) {
  return {
    async share(eventId: number, users: { user: TestUser; role: string }[]) {
      const res = await app().req({
        method: 'POST', url: `/api/events/${eventId}/share`, token: owner().access,
        payload: { users: users.map((u) => ({ user_id: u.user.id, role: u.role })) },
      });
      expect(res.statusCode, res.body).toBe(200);
    },
    /** GET that must answer 200; returns the body. */
    async get(url: string, u: TestUser = owner()) {
      const res = await app().req({ method: 'GET', url, token: u.access });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json();
    },
    patch(id: number, payload: Record<string, unknown>, u: TestUser = owner(), headers: Record<string, string> = {}) {
      return app().req({ method: 'PATCH', url: `/api/events/${id}`, token: u.access, payload, headers });
    },
    rollback(id: number, version: number | string, u: TestUser = owner(), opts: { headers?: Record<string, string>; query?: string } = {}) {
      return app().req({ method: 'POST', url: `/api/events/${id}/rollback/${version}${opts.query ?? ''}`, token: u.access, headers: opts.headers });
    },
  };
}
