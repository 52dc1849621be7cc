/**
 * `npm run bench:profile [-- get|update|fanout]`: runs the production server under `node --cpu-prof`
 * through one scenario (get-by-id with the cache warm, an update of an event shared with five, or an
 * update fanned out to 1,000 connected sockets), then prints the functions with the most self time
 * and the heaviest call paths. The .cpuprofile lands in bench/results/profiles/ (open it in Chrome
 * DevTools or speedscope).
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { copyOf, dataset } from './datasets.js';
import { fanOut } from './fan-out.js';
import { load } from './load.js';
import { cleanTemps, registerUser, startTandem, tempDataDir, WORKSPACE } from './lib.js';
import { createEvents, sharedEvent } from './scenarios.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

/** Self and inclusive milliseconds per function of a V8 .cpuprofile. */
export function summarise(file: string, top = 25): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ms = new Map<number, number>();
  p.samples.forEach((id, i) => ms.set(id, (ms.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '').replace(/^.*\/bench\//, 'bench/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let busy = 0;
  for (const [id, t] of ms) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') continue;
    busy += t;
    self.set(key(n), (self.get(key(n)) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (!seen.has(k)) (seen.add(k), incl.set(k, (incl.get(k) ?? 0) + t));
    }
  }
  const fmt = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${((100 * v) / busy).toFixed(1).padStart(6)} %  ${k}`).join('\n');
  return `busy ${busy.toFixed(0)} ms\n--- self time\n${fmt(self)}\n--- inclusive time\n${fmt(incl)}\n`;
}

const which = process.argv[2] ?? 'get';
const dir = join(WORKSPACE, 'bench/results/profiles');
mkdirSync(dir, { recursive: true });
const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${which}-${Date.now()}.cpuprofile`];
const dataDir = which === 'fanout' ? copyOf((await dataset(10_000, 10_000)).dir) : tempDataDir();
const server = await startTandem(dataDir, {}, nodeArgs);
try {
  if (which === 'get') {
    const u = await registerUser(server.url, 'prof');
    const [id] = await createEvents(server.url, u.token, 1);
    await load('get', { url: `${server.url}/api/events/${id}`, headers: { authorization: `Bearer ${u.token}` }, duration: 10 });
  } else if (which === 'update') {
    const s = await sharedEvent(server.url, 5);
    await load('update', { url: `${server.url}/api/events/${s.id}`, method: 'PUT', headers: { authorization: `Bearer ${s.token}` }, bodyKind: 'update', duration: 10 });
  } else {
    await fanOut(server, { users: 1000, rounds: 30 });
  }
} finally {
  await server.stop();
  cleanTemps();
}
const newest = readdirSync(dir).filter((f) => f.startsWith(`${which}-`)).map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
process.stdout.write(`${newest}\n${summarise(newest)}`);
