import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WEB_DIST } from './support.js';

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
}

/**
 * The browser tests run against the built client: build it once when it is missing or older than
 * its sources (the client's own files, or the API schemas its types come from). The build runs
 * asynchronously: this runs in Vitest's main process, which answers the other projects' workers
 * meanwhile; a synchronous build blocked it past the workers' 60 s RPC timeout on a loaded machine
 * ("Timeout calling onTaskUpdate", an unhandled error that fails the run).
 */
export default async function setup() {
  const index = join(WEB_DIST, 'index.html');
  const sources = ['web/src', 'web/index.html', 'web/public', 'web/vite.config.ts', 'src/http'].map((p) => join(ROOT, p)).filter(existsSync);
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newest))) return;
  const { stdout, stderr } = await promisify(execFile)('npm', ['run', 'build:web'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(stdout);
  process.stderr.write(stderr);
}
