import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createTestDatabase, type TestDatabase } from './database.js';
import { checkerFor, currentChecker, enforce } from './openapi-check.js';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A Redis server of the test's own, so the test can stop and restart it. */
export class TestRedis {
  child: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(async () => {
      const { Redis } = await import('ioredis');
      const c = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    }, 'redis');
  }
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
    this.child = null;
  }
}

/** One app instance as a real process (`node --import tsx src/server.ts`). */
export class Instance {
  child: ChildProcess | null = null;
  constructor(readonly port: number, readonly env: Record<string, string>) {}
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(async () => (await fetch(`${this.url}/health`)).ok, `instance on ${this.port}`);
  }
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  }
}

export interface Cluster {
  a: Instance;
  b: Instance;
  redis: TestRedis;
  db: TestDatabase;
  stop(): Promise<void>;
}

/** Two instances on one PostgreSQL database and one Redis. */
export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const db = await createTestDatabase();
  const redis = new TestRedis(await freePort());
  await redis.start();
  const shared = {
    ...db.env,
    REDIS_URL: redis.url,
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    ...env,
  };
  const a = new Instance(await freePort(), shared);
  await a.start();
  const b = new Instance(await freePort(), shared);
  await b.start();
  return {
    a, b, redis, db,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
      await db.drop();
    },
  };
}

/** JSON over fetch with a bearer token. */
export async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  // Every response is checked against the OpenAPI document the instance serves (fetched once).
  const checker = currentChecker() ?? checkerFor(await (await fetch(`${base}/openapi.json`)).json());
  enforce(checker.check({ method, url: path, status: res.status, headers: Object.fromEntries(res.headers), body: raw, request: { body } }));
  const text = raw.toString('utf8');
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

export { waitFor };
