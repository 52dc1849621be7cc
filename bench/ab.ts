/**
 * `npx tsx bench/ab.ts <a/server.js> <b/server.js> [get|update|list|fanout] [rounds] [seconds]`: two builds of
 * the server side by side (e.g. `git worktree` + `npm run build` of the commit before a change),
 * measured in alternating rounds on the same request shape; prints req/s per round and the
 * median of B ÷ A. How each tuning change in the README was measured.
 */
import { load, type LoadSpec } from './load.js';
import { cleanTemps, median, startServer, tandemEnv, tempDataDir } from './lib.js';
import { createEvents, sharedEvent } from './scenarios.js';
import { registerUser, type Row } from './lib.js';
import { copyOf, dataset } from './datasets.js';
import { fanOut } from './fan-out.js';

const [a, b, shape = 'get', roundsArg = '5', secondsArg = '4'] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: bench/ab.ts <a/server.js> <b/server.js> [get|update|list|fanout] [rounds] [seconds]');

async function prepare(url: string): Promise<Omit<LoadSpec, 'duration'>> {
  if (shape === 'update') {
    const s = await sharedEvent(url, 5);
    return { url: `${url}/api/events/${s.id}`, method: 'PUT', headers: { authorization: `Bearer ${s.token}` }, bodyKind: 'update' };
  }
  const u = await registerUser(url, 'ab');
  if (shape === 'list') {
    await createEvents(url, u.token, 200);
    return { url: `${url}/api/events?start_time=2030-01-01T00:00:00Z&end_time=2030-02-20T00:00:00Z&limit=100`, headers: { authorization: `Bearer ${u.token}` } };
  }
  const [id] = await createEvents(url, u.token, 1);
  return { url: `${url}/api/events/${id}`, headers: { authorization: `Bearer ${u.token}` } };
}

if (shape === 'fanout') {
  // Fan-out to 1,000 sockets on a copy of the seeded 10k dataset, A and B alternating.
  const { dir } = await dataset(10_000, 10_000);
  const out: Record<'A' | 'B', Row[][]> = { A: [], B: [] };
  for (let r = 0; r < Number(roundsArg); r++) {
    for (const [label, entry] of r % 2 ? ([['B', b], ['A', a]] as const) : ([['A', a], ['B', b]] as const)) {
      const s = await startServer(entry, tandemEnv(copyOf(dir)), '/health');
      try {
        process.stdout.write(`${label}: `);
        out[label].push(await fanOut(s, { users: 1000, rounds: 10 }));
      } finally {
        await s.stop();
      }
    }
  }
  for (const label of ['A', 'B'] as const) {
    process.stdout.write(`${label}: response p99 median ${median(out[label].map((x) => x[0].value!)).toFixed(1)} ms, last message p99 median ${median(out[label].map((x) => x[1].value!)).toFixed(1)} ms\n`);
  }
  cleanTemps();
  process.exit(0);
}

const servers = [await startServer(a, tandemEnv(tempDataDir()), '/health'), await startServer(b, tandemEnv(tempDataDir()), '/health')];
try {
  const specs = [await prepare(servers[0].url), await prepare(servers[1].url)];
  for (const s of specs) await load('warm-up', { ...s, duration: 2 });
  const rps: number[][] = [[], []];
  for (let r = 0; r < Number(roundsArg); r++) {
    for (const i of r % 2 ? [1, 0] : [0, 1]) rps[i].push((await load(shape, { ...specs[i], duration: Number(secondsArg) })).rps);
    process.stdout.write(`round ${r + 1}: A ${rps[0][r].toFixed(0)}  B ${rps[1][r].toFixed(0)} req/s\n`);
  }
  const ratios = rps[0].map((x, i) => rps[1][i] / x);
  process.stdout.write(`${shape}: A median ${median(rps[0]).toFixed(0)}, B median ${median(rps[1]).toFixed(0)} req/s; B ÷ A median ${median(ratios).toFixed(3)} (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})\n`);
  process.stdout.write(`RSS after: A ${(servers[0].rss() / 2 ** 20).toFixed(0)} MiB, B ${(servers[1].rss() / 2 ** 20).toFixed(0)} MiB\n`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  cleanTemps();
}
