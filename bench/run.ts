/**
 * `npm run bench [-- --quick]`: the issue #12 table on this machine. Runs the production build
 * (dist/src/server.js, built first when missing or older than the sources) pinned to one core,
 * autocannon in its own process on another, the bare-Fastify baseline interleaved round by round
 * with Tandem; prints every round and a summary, and writes both as JSON under bench/results/.
 * --quick: one short round per row and a 100k-event big dataset (about a minute once the seeded
 * datasets are cached under bench/.data); the full run: three rounds and a million events.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { copyOf, dataset } from './datasets.js';
import { fanOut, idleSockets } from './fan-out.js';
import type { Plan } from './interleave.js';
import { cleanTemps, CORES, LOAD_CORE, pinningNote, SERVER_ENTRY, startBaseline, startTandem, tempDataDir, WORKSPACE, type Row, type Server } from './lib.js';
import { printSummary, HEADER, writeResults } from './report.js';
import { scale } from './scale.js';
import { scaledMode } from './scaled-mode.js';
import { httpScenarios } from './scenarios.js';
import { seriesAge } from './series-age.js';

const quick = process.argv.includes('--quick');
const plan: Plan = quick ? { quick, rounds: 1, seconds: 1.5 } : { quick, rounds: 3, seconds: 6 };
const sizes = { users: 10_000, small: 10_000, big: quick ? 100_000 : 1_000_000 };

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds with `npm run build` when the server build is missing or older than src/ or migrations/. */
function ensureBuild(): void {
  const built = existsSync(SERVER_ENTRY) ? statSync(SERVER_ENTRY).mtimeMs : 0;
  if (built && built >= Math.max(newestMtime(join(WORKSPACE, 'src')), newestMtime(join(WORKSPACE, 'migrations')))) return;
  process.stdout.write('building (npm run build)…\n');
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

ensureBuild();
// The orchestrator (socket clients, set-up requests) stays off the server's core too.
spawnSync('taskset', ['-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
const started = Date.now();
process.stdout.write(`Tandem benchmark (${quick ? 'quick' : 'full'}): ${CORES} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, ${pinningNote()}; ${plan.rounds} round(s) of ${plan.seconds} s\n${HEADER}\n`);

const servers: Server[] = [];
const start = async (p: Promise<Server>) => {
  const s = await p;
  servers.push(s);
  return s;
};
const stop = async (s: Server) => {
  servers.splice(servers.indexOf(s), 1);
  await s.stop();
};
const summary: Row[] = [];
const rounds: Row[] = [];
try {
  // Started together: each spends its start-up compiling schemas, which overlaps with the others'.
  const [baseline, tandem, uncached] = await Promise.all([start(startBaseline()), start(startTandem(tempDataDir())), start(startTandem(tempDataDir(), { CACHE_ENABLED: 'false' }))]);
  const http = await httpScenarios(plan, { baseline, tandem, uncached });
  summary.push(...http.summary);
  rounds.push(...http.rounds);
  await stop(uncached);
  summary.push(await seriesAge(plan, tandem));
  await stop(tandem);

  const small = await dataset(sizes.users, sizes.small);
  const social = await start(startTandem(copyOf(small.dir)));
  summary.push(...(await fanOut(social, { users: 1000, rounds: quick ? 5 : 20 })));
  summary.push(...(await idleSockets(social, quick ? 2000 : 10_000)));
  await stop(social);

  const big = await dataset(sizes.users, sizes.big);
  const [smallServer, bigServer] = await Promise.all([start(startTandem(small.dir)), start(startTandem(big.dir))]);
  summary.push(...(await scale(plan, { server: smallServer, events: sizes.small }, { server: bigServer, events: sizes.big })));
  await stop(smallServer);
  await stop(bigServer);

  const scaled = await scaledMode(plan, baseline);
  summary.push(...scaled.summary);
  rounds.push(...scaled.rounds);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  cleanTemps();
}
printSummary(summary);
const file = writeResults(
  { date: new Date().toISOString(), quick, cores: CORES, cpu: cpus()[0]?.model, node: process.version, pinning: pinningNote(), plan, datasets: sizes, seconds: Math.round((Date.now() - started) / 1000) },
  summary,
  rounds,
);
process.stdout.write(`\n${summary.filter((r) => r.met === false).length} of ${summary.filter((r) => r.met !== undefined).length} targets missed; took ${Math.round((Date.now() - started) / 1000)} s; results in ${file}\n`);
// fetch's idle keep-alive sockets to the stopped servers kept the process up for ~15 s more.
process.exit(0);
