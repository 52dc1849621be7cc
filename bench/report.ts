import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './lib.js';

const f = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(d));

function line(cells: string[]): string {
  const widths = [58, 9, 8, 8, 8, 9, 7, 16, 5];
  return cells.map((c, i) => (i === 0 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' ');
}

export const HEADER = line(['scenario', 'req/s', 'p50 ms', 'p99 ms', 'p99.9', 'base r/s', 'ratio', 'target', 'met']);

function cellsOf(r: Row): string[] {
  const name = r.round !== undefined ? `${r.scenario} [round ${r.round}]` : r.scenario;
  if (r.value !== undefined) {
    return [name, `${f(r.value, r.unit === 'ms' || r.unit === '×' ? 2 : 1)} ${r.unit ?? ''}`.padStart(9), '', '', '', '', '', r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO'];
  }
  return [name, f(r.rps, 0), f(r.p50), f(r.p99), f(r.p999), f(r.baselineRps, 0), f(r.ratio, 3), r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO'];
}

/** Prints a row as it is measured (progress for a long run). */
export function printRow(r: Row): void {
  process.stdout.write(line(cellsOf(r)) + (r.note ? `   (${r.note})` : '') + '\n');
}

/** The final table: one summary row per figure of the table. */
export function printSummary(rows: Row[]): void {
  process.stdout.write('\n' + HEADER + '\n' + '-'.repeat(HEADER.length) + '\n');
  for (const r of rows) printRow(r);
}

/** Writes the run (summary and per-round rows, machine facts) as JSON under bench/results/; returns the path. */
export function writeResults(meta: Record<string, unknown>, summary: Row[], rounds: Row[]): string {
  const dir = join(process.cwd(), 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}${meta.quick ? '-quick' : ''}.json`);
  writeFileSync(file, JSON.stringify({ ...meta, summary, rounds }, null, 2) + '\n');
  return file;
}
