import type autocannon from 'autocannon';
import type { Result } from './lib.js';

export interface BenchContext {
  url: string;
  api: (method: string, path: string, token?: string, body?: unknown) => Promise<any>;
  measure: (name: string, opts: autocannon.Options) => Promise<Result>;
  baseline: Result;
}

export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<Result | Result[]>;
}

let n = 0;
/** A fresh user with an access token. */
export async function benchUser(ctx: BenchContext, prefix = 'bench'): Promise<{ id: number; token: string }> {
  const name = `${prefix}${Date.now()}x${++n}`;
  const r = await ctx.api('POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'bench-password' });
  return { id: r.id, token: r.access_token };
}

export const scenarios: Scenario[] = [
  {
    name: 'GET /api/users/me',
    async run(ctx) {
      const u = await benchUser(ctx);
      return ctx.measure('GET /api/users/me', { url: ctx.url + '/api/users/me', headers: { authorization: `Bearer ${u.token}` } });
    },
  },
];
