import { interleaved, type Plan } from './interleave.js';
import { load } from './load.js';
import { api, registerUser, type Row, type Server } from './lib.js';
import { printRow } from './report.js';

/*
 * The request-throughput rows of the table, on the embedded server (SQLite, in-process
 * cache): get by id with the cache warm and off, a 50-event window, a conflict-checked create, an
 * update of an event shared with five, the server's RSS after the GET scenario, and get-by-id
 * paced at half its measured maximum (open loop).
 */

/** Creates `n` one-off events a day apart for a user (through the batch route); returns their ids. */
export async function createEvents(url: string, token: string, n: number, startDay = Date.UTC(2030, 0, 1)): Promise<number[]> {
  const events = Array.from({ length: n }, (_, i) => {
    const s = startDay + i * 86_400_000 + 9 * 3600_000;
    return { title: `Bench event ${i}`, description: 'Quarterly planning with the whole team', start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() };
  });
  const ids: number[] = [];
  for (let i = 0; i < events.length; i += 100) {
    const r = await api(url, 'POST', '/api/events/batch', token, { events: events.slice(i, i + 100) });
    ids.push(...r.events.map((e: { id: number }) => e.id));
  }
  return ids;
}

/** An event of a fresh owner shared (as EDITOR) with `n` fresh users; returns the owner's token and the id. */
export async function sharedEvent(url: string, n: number): Promise<{ token: string; id: number }> {
  const owner = await registerUser(url, 'owner');
  const [id] = await createEvents(url, owner.token, 1, Date.UTC(2031, 0, 1));
  const others = [];
  for (let i = 0; i < n; i++) others.push(await registerUser(url, 'peer'));
  await api(url, 'POST', `/api/events/${id}/share`, owner.token, { users: others.map((u) => ({ user_id: u.id, role: 'EDITOR' })) });
  return { token: owner.token, id };
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const MiB = 2 ** 20;

export async function httpScenarios(plan: Plan, s: { baseline: Server; tandem: Server; uncached: Server }): Promise<{ summary: Row[]; rounds: Row[] }> {
  const summary: Row[] = [];
  const rounds: Row[] = [];
  const take = (r: { summary: Row; rounds: Row[] }) => (summary.push(r.summary), rounds.push(...r.rounds), r.summary);

  const reader = await registerUser(s.tandem.url, 'reader');
  const [eventId] = await createEvents(s.tandem.url, reader.token, 1);
  const getWarm = take(await interleaved(plan, s.baseline, 'GET /api/events/{id}, cache warm', () => ({ url: `${s.tandem.url}/api/events/${eventId}`, headers: auth(reader.token) }), 0.5));

  const rss = s.tandem.rss();
  const bare = s.baseline.rss();
  summary.push({ scenario: 'server RSS after the GET scenario', value: rss / MiB, unit: 'MiB', target: '≤ 150 MiB', met: rss <= 150 * MiB, note: `bare Fastify: ${(bare / MiB).toFixed(0)} MiB` });
  printRow(summary[summary.length - 1]);

  // Open loop: paced at half the closed-loop maximum just measured; autocannon corrects the latency for coordinated omission.
  const rate = Math.max(1, Math.round(getWarm.rps! / 2));
  const paced = await load('open loop', { url: `${s.tandem.url}/api/events/${eventId}`, headers: auth(reader.token), duration: plan.quick ? 3 : Math.max(plan.seconds, 5), overallRate: rate, connections: 20 });
  summary.push({ scenario: 'get-by-id p99 at 50% of the maximum rate (open loop)', value: paced.p99, unit: 'ms', target: '≤ 3 ms', met: paced.p99 <= 3, note: `${rate} req/s paced, achieved ${paced.rps.toFixed(0)}, p50 ${paced.p50} ms, p99.9 ${paced.p999} ms` });
  printRow(summary[summary.length - 1]);

  const coldReader = await registerUser(s.uncached.url, 'cold');
  const [coldId] = await createEvents(s.uncached.url, coldReader.token, 1);
  take(await interleaved(plan, s.baseline, 'GET /api/events/{id}, cache off', () => ({ url: `${s.uncached.url}/api/events/${coldId}`, headers: auth(coldReader.token) }), 0.3));

  const lister = await registerUser(s.tandem.url, 'lister');
  await createEvents(s.tandem.url, lister.token, 200);
  const ws = new Date(Date.UTC(2030, 0, 1)).toISOString();
  const we = new Date(Date.UTC(2030, 1, 20)).toISOString();
  take(await interleaved(plan, s.baseline, 'GET /api/events, window of 50', () => ({ url: `${s.tandem.url}/api/events?start_time=${ws}&end_time=${we}&limit=100`, headers: auth(lister.token) }), 0.25));

  const creator = await registerUser(s.tandem.url, 'creator');
  take(await interleaved(plan, s.baseline, 'POST /api/events (create, conflict-checked)', (round) => ({
    url: `${s.tandem.url}/api/events`, method: 'POST', headers: auth(creator.token), bodyKind: 'create', slotBase: Date.UTC(2040, 0, 1) + round * 1e12,
  }), 0.05));

  const shared = await sharedEvent(s.tandem.url, 5);
  take(await interleaved(plan, s.baseline, 'PUT /api/events/{id} (shared with 5)', (round) => ({
    url: `${s.tandem.url}/api/events/${shared.id}`, method: 'PUT', headers: auth(shared.token), bodyKind: 'update', slotBase: round,
  }), 0.08));
  return { summary, rounds };
}
