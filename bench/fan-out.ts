import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { seededToken } from './datasets.js';
import { api, pct, type Row, type Server } from './lib.js';
import { printRow } from './report.js';

/*
 * WebSocket scenarios on a seeded server (its users have sessions, so tokens are signed here
 * instead of registering thousands of users through argon2):
 * - fan-out: one update to an event shared with `users` connected users, timed from the update
 *   request to its response and to the last socket's message, over `rounds` updates;
 * - idle sockets: the server's RSS before and after `sockets` connections open, per connection.
 */
const WAIT_MS = 60_000;
const KiB = 1024;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS).unref())]);
}

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

/** Opens one socket per user id (seeded users), 50 handshakes at a time. */
export async function openSockets(server: Server, userIds: number[]): Promise<WebSocket[]> {
  const wsUrl = server.url.replace(/^http/, 'ws') + '/api/notifications/ws?token=';
  return inBatches(userIds.length, 50, (i) => withTimeout(new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(wsUrl + seededToken(userIds[i]));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  }), 'a socket to open'));
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

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

export async function fanOut(server: Server, o: { users: number; rounds: number }): Promise<Row[]> {
  // User 2 owns the event; users 3… are the audience (the probe, user 1, is left alone).
  const owner = seededToken(2);
  const audience = ids(3, o.users);
  const s = Date.UTC(2037, 0, 1, 9);
  const event = await api(server.url, 'POST', '/api/events?check_conflicts=false', owner, { title: 'Fan-out', start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() });
  const sockets = await openSockets(server, audience);
  const arms = sockets.map(armable);
  try {
    const shared = arms.map((arm) => arm());
    for (let i = 0; i < audience.length; i += 100) {
      await api(server.url, 'POST', `/api/events/${event.id}/share`, owner, { users: audience.slice(i, i + 100).map((u) => ({ user_id: u, role: 'VIEWER' })) });
    }
    await withTimeout(Promise.all(shared), 'the share notifications');
    const responses: number[] = [];
    const lasts: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const got = arms.map((arm) => arm());
      const sent = performance.now();
      await api(server.url, 'PUT', `/api/events/${event.id}`, owner, { title: `Fan-out ${r}` });
      responses.push(performance.now() - sent);
      const at = await withTimeout(Promise.all(got), 'the update notifications');
      lasts.push(Math.max(...at) - sent);
    }
    responses.sort((a, b) => a - b);
    lasts.sort((a, b) => a - b);
    const note = (v: number[]) => `${o.rounds} updates; p50 ${pct(v, 50).toFixed(1)} ms, max ${v[v.length - 1].toFixed(1)} ms`;
    const rows: Row[] = [
      { scenario: `update shared with ${o.users} connected users: HTTP response p99`, value: pct(responses, 99), unit: 'ms', target: '≤ 25 ms', met: pct(responses, 99) <= 25, note: note(responses) },
      { scenario: `same: update request → last socket message, p99`, value: pct(lasts, 99), unit: 'ms', target: '≤ 25 ms', met: pct(lasts, 99) <= 25, note: note(lasts) },
    ];
    rows.forEach(printRow);
    return rows;
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

export async function idleSockets(server: Server, sockets: number): Promise<Row[]> {
  const before = server.rss();
  const open = await openSockets(server, ids(1, sockets));
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const per = (server.rss() - before) / sockets / KiB;
    const row: Row = { scenario: `memory per idle WebSocket (${sockets} sockets)`, value: per, unit: 'KiB', target: '≤ 12 KiB', met: per <= 12, note: `server RSS ${(before / 2 ** 20).toFixed(0)} → ${(server.rss() / 2 ** 20).toFixed(0)} MiB` };
    printRow(row);
    return [row];
  } finally {
    for (const ws of open) ws.terminate();
  }
}
