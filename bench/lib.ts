import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
}

/** What every scenario gets: the servers under test and the measuring tools. */
export interface BenchContext {
  url: string;
  /** The same server build with CACHE_ENABLED=false. */
  uncachedUrl: string;
  api: (method: string, path: string, token?: string, body?: unknown) => Promise<any>;
  measure: (name: string, opts: autocannon.Options) => Promise<Result>;
  baseline: Result;
}

export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<Result | Result[]>;
}

export const DURATION = Number(process.env.BENCH_SECONDS ?? 5);

/** Runs autocannon against one request shape and returns throughput and latency. */
export async function measure(name: string, opts: autocannon.Options & { expectNon2xx?: boolean }): Promise<Result> {
  const r = await autocannon({ connections: 10, duration: DURATION, ...opts });
  if (r.non2xx > 0 && !opts.expectNon2xx) process.stderr.write(`warning: ${name}: ${r.non2xx} non-2xx responses\n`);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}


/** Starts a TypeScript entry with tsx and waits until it listens; returns its base URL. */
export async function startProcess(entry: string, env: Record<string, string>, readyPath: string, nodeArgs: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 300 && !exited; i++) {
    try {
      const res = await fetch(url + readyPath);
      if (res.ok) return { url, child };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not start`);
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'tandem-bench-'));
}

/** JSON request helper for setting up bench data. */
export async function api(url: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export function printTable(baseline: Result, rows: Result[]): void {
  const line = (cells: string[]) => process.stdout.write(cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(10))).join(' ') + '\n');
  line(['scenario', 'req/s', 'p50 ms', 'p99 ms', 'vs base']);
  for (const r of [baseline, ...rows]) {
    line([r.name, r.rps.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), (r.rps / baseline.rps).toFixed(3)]);
  }
}
