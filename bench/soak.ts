/**
 * `npm run soak [-- --minutes 10 --workers 16]`: mixed, realistic load against a real server
 * process for a while (default 10 minutes), printing per minute the requests, 5xx (must stay 0),
 * p50/p99 latency, the server's RSS (should stay flat after warm-up) and, from its /metrics, the
 * V8 heap in use and the read cache's entries and size (bounded: 50 000 entries, 64 MiB), so a
 * growing RSS can be told apart from a cache filling up to its cap. `--inspect-port N` adds the
 * live heap after a forced full GC (through the inspector): what a leak would make grow. Not part of CI.
 * SQLite by default; set DATABASE_URL (and REDIS_URL, JWT_SECRET) for the scaled mode.
 */
import { readFileSync } from 'node:fs';
import { api, startProcess, tempDataDir } from './lib.js';
import { connectLiveHeap } from './live-heap.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const MINUTES = arg('minutes', 10);
/** `--inspect-port N`: also print the live heap after a forced full GC (through the inspector). */
const INSPECT = arg('inspect-port', 0);
const WORKERS = arg('workers', 16);
const USERS = 12;

const { url, child } = await startProcess('src/server.ts', {
  DATA_DIR: tempDataDir(), LOG_LEVEL: 'warn', RATE_LIMIT_AUTH_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000',
}, '/health', INSPECT ? [`--inspect=127.0.0.1:${INSPECT}`] : []);
const live = INSPECT ? await connectLiveHeap(INSPECT) : null;

const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/** A few gauges from the server's Prometheus metrics (METRICS_TOKEN is not set here). */
async function serverGauges(): Promise<{ heapMb: number; cacheEntries: number; cacheMb: number }> {
  const text = await fetch(url + '/metrics').then((r) => r.text()).catch(() => '');
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { heapMb: gauge('nodejs_heap_size_used_bytes') / 2 ** 20, cacheEntries: gauge('cache_entries'), cacheMb: gauge('cache_bytes') / 2 ** 20 };
}

interface User { id: number; token: string; events: number[]; recurring: number }
const users: User[] = [];
for (let i = 0; i < USERS; i++) {
  const name = `soak${Date.now()}x${i}`;
  const r = await api(url, 'POST', '/api/auth/register', undefined, { username: name, email: `${name}@example.com`, password: 'soak-password-1' });
  const rec = await api(url, 'POST', '/api/events?check_conflicts=false', r.access_token, {
    title: `Standup ${i}`, start_time: '2030-01-06T09:00:00Z', end_time: '2030-01-06T09:15:00Z', timezone: 'Europe/Berlin', recurrence_pattern: { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR' },
  });
  users.push({ id: r.id, token: r.access_token, events: [rec.id], recurring: rec.id });
}

let slot = 0;
const nextSlot = () => {
  const s = Date.UTC(2031, 0, 1) + ++slot * 2 * 3_600_000;
  return { start_time: new Date(s).toISOString(), end_time: new Date(s + 3_600_000).toISOString() };
};
const rnd = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

/** One user action, weighted roughly like a calendar client: mostly reads, some writes, a few mistakes. */
async function action(u: User): Promise<{ status: number }> {
  const r = Math.random();
  const other = rnd(users);
  const id = rnd(u.events);
  const req = (method: string, path: string, body?: unknown) => fetch(url + path, {
    method, headers: { authorization: `Bearer ${u.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => { const text = await res.text(); return { status: res.status, body: text ? JSON.parse(text) : null }; });
  if (r < 0.25) return req('GET', '/api/events?start_time=2031-01-01T00:00:00Z&end_time=2031-03-01T00:00:00Z&limit=50');
  if (r < 0.35) return req('GET', `/api/events?expand=true&start_time=2030-02-01T00:00:00Z&end_time=2030-03-01T00:00:00Z`);
  if (r < 0.50) return req('GET', `/api/events/${id}`);
  if (r < 0.57) return req('GET', `/api/events/${u.recurring}/occurrences?start_time=2030-03-01T00:00:00Z&end_time=2030-04-01T00:00:00Z`);
  if (r < 0.62) return req('GET', `/api/events/${id}/history?limit=10`);
  if (r < 0.66) return req('GET', `/api/events/${id}/changelog`);
  if (r < 0.70) return req('GET', '/api/notifications?limit=20');
  if (r < 0.78) {
    const res = await req('POST', '/api/events?check_conflicts=false', { title: `Meeting ${slot}`, description: 'agenda '.repeat(20), ...nextSlot() });
    // Keep each user's own list bounded, so the load is steady rather than ever-growing per user.
    if (res.status === 201) u.events = [...u.events.slice(-40), res.body.id];
    return res;
  }
  if (r < 0.88) return req('PATCH', `/api/events/${id}`, { description: `edited ${Date.now()}` });
  if (r < 0.91) return other.id === u.id ? req('GET', '/api/users/me') : req('POST', `/api/events/${id}/share`, { user_id: other.id, role: 'viewer' });
  if (r < 0.93) return req('PUT', '/api/notifications/read-all');
  if (r < 0.95) return req('GET', `/api/events/${id}/diff/1/2`);
  if (r < 0.97) return req('GET', '/api/sync');
  // Mistakes a client makes: these must be 4xx, never 5xx.
  if (r < 0.985) return req('GET', '/api/events/999999999');
  return req('POST', '/api/events', { title: '', start_time: 'soon' });
}

const end = Date.now() + MINUTES * 60_000;
let minute = { n: 0, fiveXX: 0, lat: [] as number[] };
let total = 0, totalFiveXX = 0;
const t0 = Date.now();
const pct = (xs: number[], p: number) => (xs.length ? xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : 0);
console.log(`soak: ${MINUTES} min, ${WORKERS} workers, ${USERS} users, ${url}`);
console.log(`minute  requests   5xx   p50 ms   p99 ms   RSS MB  heap MB  cache entries  cache MB${live ? '  live heap MB' : ''}`);
/** Prints one minute's row (the last one may be a little shorter or longer than a minute). */
let lastRowAt = Date.now();
async function printRow(): Promise<void> {
  lastRowAt = Date.now();
  const m = Math.round((Date.now() - t0) / 60_000);
  const done = minute;
  minute = { n: 0, fiveXX: 0, lat: [] };
  total += done.n; totalFiveXX += done.fiveXX;
  const rss = rssMb();
  const g = await serverGauges();
  const liveMb = live ? (await live.liveMb()).toFixed(0).padStart(13) : '';
  console.log(`${String(m).padStart(6)} ${String(done.n).padStart(9)} ${String(done.fiveXX).padStart(5)} ${pct(done.lat, 0.5).toFixed(1).padStart(8)} ${pct(done.lat, 0.99).toFixed(1).padStart(8)} ${rss.toFixed(0).padStart(8)} ${g.heapMb.toFixed(0).padStart(8)} ${String(g.cacheEntries).padStart(14)} ${g.cacheMb.toFixed(1).padStart(9)}${liveMb}`);
}
// The row being printed (it awaits the server's gauges): the end waits for it, so no row is lost.
let printing: Promise<void> = Promise.resolve();
const report = setInterval(() => { printing = printing.then(printRow); }, 60_000);

await Promise.all(Array.from({ length: WORKERS }, async (_, k) => {
  while (Date.now() < end) {
    const u = users[k % users.length];
    const s = performance.now();
    const res = await action(u).catch(() => ({ status: 0 }));
    minute.lat.push(performance.now() - s);
    minute.n++;
    if (res.status >= 500 || res.status === 0) minute.fiveXX++;
  }
}));
clearInterval(report);
await printing;
// The requests still running when the last full minute was printed: counted, a row only if it is worth one.
if (Date.now() - lastRowAt > 10_000) await printRow();
else { total += minute.n; totalFiveXX += minute.fiveXX; }
console.log(`total: ${total} requests, ${totalFiveXX} 5xx or dropped, final RSS ${rssMb().toFixed(0)} MB`);
live?.close();
child.kill('SIGTERM');
process.exit(totalFiveXX ? 1 : 0);
