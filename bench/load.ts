import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LOAD_CORE, pinned, WORKSPACE } from './lib.js';

/** One measurement: a request shape, how long and how hard. Serialisable: it crosses to the load process. */
export interface LoadSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Bodies built per request: a create in its own slot, or an update with a new title. */
  bodyKind?: 'create' | 'update';
  slotBase?: number;
  connections?: number;
  duration: number;
  /** Requests per second across all connections (paced, latency corrected for coordinated omission). */
  overallRate?: number;
}

export interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  p999: number;
  non2xx: number;
  errors: number;
}

/** Runs autocannon in its own process on the load core; throws when requests failed. */
export async function load(name: string, spec: LoadSpec): Promise<LoadResult> {
  const [cmd, args] = pinned(LOAD_CORE, [process.execPath, join(WORKSPACE, 'bench/load-worker.mjs'), JSON.stringify(spec)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${name}: the load generator exited with ${code}`);
  const r = JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
  if (r.non2xx > 0 || r.errors > 0) process.stderr.write(`warning: ${name}: ${r.non2xx} non-2xx responses, ${r.errors} errors of ${r.total}\n`);
  return r;
}
