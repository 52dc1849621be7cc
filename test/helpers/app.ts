import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createContainer, type Container } from '../../src/container.js';
import { createTestDatabase } from './database.js';
import { checkerFor, enforce } from './openapi-check.js';

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  access: string;
  refresh: string;
}

export interface TestApp {
  app: FastifyInstance;
  c: Container;
  /** Base URL once `listen()` was called. */
  url: string;
  listen(): Promise<string>;
  req(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  user(prefix?: string): Promise<TestUser>;
  close(): Promise<void>;
}

let seq = 0;

/**
 * Boots the real app on a fresh database (SQLite or PostgreSQL per TANDEM_TEST_DIALECT) with
 * generous rate limits unless the test overrides them.
 */
export async function startTestApp(env: Record<string, string> = {}, opts: { logStream?: NodeJS.WritableStream; now?: () => number; cacheClock?: () => number; webRoot?: string } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    ...database.env,
    ...env,
  });
  const c = await createContainer(config, undefined, { now: opts.now, cacheClock: opts.cacheClock });
  const app = await buildApp(config, c, opts);
  await app.ready();
  const checker = checkerFor(app.swagger() as Record<string, unknown>);
  // Every response through the app is checked against the OpenAPI document it serves.
  const inject = async (o: InjectOptions): Promise<LightMyRequestResponse> => {
    const res = await app.inject(o);
    const url = typeof o.url === 'string' ? o.url : (o.url?.pathname ?? '/');
    const request = { body: o.payload, contentType: o.headers?.['content-type'] as string | undefined, query: o.query as Record<string, unknown> | undefined };
    enforce(checker.check({ method: (o.method ?? 'GET').toUpperCase(), url, status: res.statusCode, headers: res.headers, body: res.rawPayload, request }, app.routeList));
    return res;
  };
  const t: TestApp = {
    app,
    c,
    url: '',
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      if (!addr || typeof addr === 'string') throw new Error('no address');
      t.url = `http://127.0.0.1:${addr.port}`;
      return t.url;
    },
    req({ token, headers, ...opts }) {
      return inject({ ...opts, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers ?? {}) } });
    },
    async user(prefix = 'user') {
      const n = ++seq;
      const username = `${prefix}${process.pid}x${n}`;
      const password = `pw-${username}-secret`;
      const email = `${username}@example.com`;
      const res = await inject({ method: 'POST', url: '/api/auth/register', payload: { username, email, password } });
      if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
      const b = res.json();
      return { id: b.id, username, email, password, access: b.access_token, refresh: b.refresh_token };
    },
    async close() {
      await app.close();
      await c.close();
      await database.drop();
    },
  };
  return t;
}
