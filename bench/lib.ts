import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Processes and plumbing shared by the benchmark: the servers under test run the production build
 * (dist/src/server.js) pinned to one core, the load generator runs in its own process on another,
 * and every figure a scenario reports is a Row (throughput rows carry the baseline of the same round).
 */

/** One measured line of the report. */
export interface Row {
  scenario: string;
  round?: number;
  rps?: number;
  p50?: number;
  p99?: number;
  p999?: number;
  /** Baseline req/s of the same round, and Tandem ÷ baseline. */
  baselineRps?: number;
  ratio?: number;
  /** A figure that is not a throughput (a latency, a memory size, a ratio of two Tandem runs). */
  value?: number;
  unit?: string;
  target?: string;
  met?: boolean;
  note?: string;
}

export const WORKSPACE = process.cwd();
export const SERVER_ENTRY = join(WORKSPACE, 'dist/src/server.js');
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

/** Cores for the server and for load generators: different ones when the machine has two or more. */
export const CORES = cpus().length;
const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
export const SERVER_CORE = 0;
export const LOAD_CORE = CORES > 1 ? 1 : 0;

/** The command line for `args`, pinned to `core` when taskset works here. */
export function pinned(core: number, args: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', String(core), ...args]] : [args[0], args.slice(1)];
}

export function pinningNote(): string {
  return HAS_TASKSET && CORES > 1 ? `server on core ${SERVER_CORE}, load generator on core ${LOAD_CORE}` : 'not pinned (taskset or a second core missing)';
}

/** Ports this process has handed out: servers started together must not get the same one. */
const handedOut = new Set<number>();

/**
 * A free port no other server of this run was given. The OS may hand a just-closed port to the
 * next listen(0): two servers started in parallel once got the same port, the second failed to
 * listen, and both "started" on the first one's URL.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await osFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function osFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** Resident set size of the server process now, in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** Resident memory of a process in bytes (VmRSS), 0 when it is gone. */
export function rssOf(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts a Node entry (the production server or the baseline) pinned to the server core and waits
 * until `readyPath` answers. `nodeArgs` go before the entry (e.g. --cpu-prof).
 */
export async function startServer(entry: string, env: Record<string, string>, readyPath: string, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  const [cmd, args] = pinned(SERVER_CORE, [process.execPath, ...nodeArgs, entry]);
  const child = spawn(cmd, args, {
    env: { ...process.env, NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 15_000))]);
    if (!exited) child.kill('SIGKILL');
  };
  for (let i = 0; i < 600 && !exited; i++) {
    try {
      const res = await fetch(url + readyPath);
      if (res.ok) return { url, child, rss: () => rssOf(child.pid), stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${entry} did not start`);
}

/** The environment every Tandem server of the benchmark runs with: limits out of the way, a known secret. */
export function tandemEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    ...extra,
  };
}

export function startTandem(dataDir: string, extra: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Server> {
  return startServer(SERVER_ENTRY, tandemEnv(dataDir, extra), '/health', nodeArgs);
}

export function startBaseline(): Promise<Server> {
  return startServer(join(WORKSPACE, 'bench/baseline-server.mjs'), {}, '/baseline');
}

const temps: string[] = [];
/** A private temporary folder (0700, as the server requires); removed by cleanTemps(). */
export function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  temps.push(d);
  return d;
}

export function cleanTemps(): void {
  for (const d of temps.splice(0)) if (existsSync(d)) rmSync(d, { recursive: true, force: true });
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

let n = 0;
/** A fresh user registered through the API, with an access token. */
export async function registerUser(url: string, prefix = 'bench'): Promise<{ id: number; token: string; username: string }> {
  const username = `${prefix}${Date.now()}x${++n}`;
  const r = await api(url, 'POST', '/api/auth/register', undefined, { username, email: `${username}@example.com`, password: 'bench-password' });
  return { id: r.id, token: r.access_token, username };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Starts a TypeScript entry with tsx and waits until it listens (used by soak.ts, which runs the sources). */
export async function startProcess(entry: string, env: Record<string, string>, readyPath: string, nodeArgs: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const s = await startServer(entry, env, readyPath, [...nodeArgs, '--import', 'tsx']);
  return { url: s.url, child: s.child };
}
