import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { BenchContext, Scenario } from './lib.js';

/*
 * WebSocket fan-out: one update to an event shared with USERS connected users, timed from the
 * update request to each socket's message, and the server's memory per idle connection (RSS and
 * V8 heap from /metrics before and after the sockets open). Prints its own lines: these are
 * latencies and sizes, not throughput rows.
 */
const USERS = Number(process.env.BENCH_FANOUT_USERS ?? 1000);
const ROUNDS = 3;
const REGISTER_CONCURRENCY = 8;
const WAIT_MS = 60_000;

async function inBatches<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!m) throw new Error(`/metrics has no ${name}`);
  return Number(m[1]);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`fan-out: timed out waiting for ${what}`)), WAIT_MS).unref())]);
}

/** A socket whose next message resolves the promise `arm()` returns, stamped on arrival. */
function armable(ws: WebSocket) {
  let waiter: ((at: number) => void) | null = null;
  ws.on('message', () => {
    const at = performance.now();
    const w = waiter;
    waiter = null;
    w?.(at);
  });
  return () => new Promise<number>((resolve) => (waiter = resolve));
}

export const fanOutScenario: Scenario = {
  name: 'WS fan-out',
  async run(ctx: BenchContext) {
    const stamp = Date.now();
    const reg = (name: string) => ctx.api('POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'bench-password' });
    const owner = await reg(`fanowner${stamp}`);
    const t0 = performance.now();
    const users: { id: number; access_token: string }[] = await inBatches(USERS, REGISTER_CONCURRENCY, (i) => reg(`fan${stamp}x${i}`));
    process.stdout.write(`fan-out: registered ${USERS} users in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const s = Date.UTC(2037, 0, 1, 9);
    const event = await ctx.api('POST', '/api/events', owner.access_token, { title: 'Fan-out', start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() });

    const rssBefore = await gauge(ctx.url, 'process_resident_memory_bytes');
    const heapBefore = await gauge(ctx.url, 'nodejs_heap_size_used_bytes');
    const wsUrl = ctx.url.replace(/^http/, 'ws') + '/api/notifications/ws?token=';
    const sockets = await inBatches(USERS, 50, (i) => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl + users[i].access_token);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }));
    const arms = sockets.map(armable);
    try {
      if ((await gauge(ctx.url, 'websocket_connections')) < USERS) throw new Error('fan-out: not every socket registered');
      await new Promise((r) => setTimeout(r, 1000));
      const rssAfter = await gauge(ctx.url, 'process_resident_memory_bytes');
      const heapAfter = await gauge(ctx.url, 'nodejs_heap_size_used_bytes');

      // Share in requests of 100; each socket first hears its own "shared with you".
      const shared = arms.map((arm) => arm());
      for (let i = 0; i < USERS; i += 100) {
        await ctx.api('POST', `/api/events/${event.id}/share`, owner.access_token, { users: users.slice(i, i + 100).map((u) => ({ user_id: u.id, role: 'VIEWER' })) });
      }
      await withTimeout(Promise.all(shared), 'the share notifications');

      const fromSend: number[] = [];
      const fromResponse: number[] = [];
      const roundTrips: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const got = arms.map((arm) => arm());
        const sent = performance.now();
        await ctx.api('PUT', `/api/events/${event.id}`, owner.access_token, { title: `Fan-out ${r}` });
        const answered = performance.now();
        roundTrips.push(answered - sent);
        for (const at of await withTimeout(Promise.all(got), 'the update notifications')) {
          fromSend.push(at - sent);
          fromResponse.push(at - answered);
        }
      }
      fromSend.sort((a, b) => a - b);
      fromResponse.sort((a, b) => a - b);
      roundTrips.sort((a, b) => a - b);
      const f = (x: number) => x.toFixed(1);
      const line = (label: string, v: number[]) => `  ${label.padEnd(34)} p50 ${f(pct(v, 50))}  p99 ${f(pct(v, 99))}  max ${f(v[v.length - 1])} ms\n`;
      process.stdout.write(
        `fan-out: one update → ${USERS} sockets, ${ROUNDS} rounds (${fromSend.length} messages)\n` +
          line('update request → its response', roundTrips) +
          line('update request → socket message', fromSend) +
          line('update response → socket message', fromResponse) +
          '  (negative: the message arrived before the HTTP response; the server pushes before it answers)\n' +
          `idle sockets: ${USERS} open → server RSS +${f((rssAfter - rssBefore) / 2 ** 20)} MiB ≈ ${f((rssAfter - rssBefore) / USERS / 1024)} KiB per connection; ` +
          `V8 heap used +${f((heapAfter - heapBefore) / 2 ** 20)} MiB ≈ ${f((heapAfter - heapBefore) / USERS / 1024)} KiB per connection\n`,
      );
    } finally {
      for (const ws of sockets) ws.terminate();
    }
    return [];
  },
};
