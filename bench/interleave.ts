import { load, type LoadSpec } from './load.js';
import { median, type Row, type Server } from './lib.js';
import { printRow } from './report.js';

/** How long and how often: --quick is about a minute in all, the full run under fifteen. */
export interface Plan {
  quick: boolean;
  rounds: number;
  seconds: number;
}

/**
 * Measures one Tandem request shape in rounds interleaved with the bare-Fastify baseline
 * (baseline, Tandem, baseline, Tandem, …): each ratio is Tandem's req/s over the baseline's of the
 * same round, so a neighbour's burst on the shared machine hits both sides of a ratio. Prints and
 * returns the per-round rows and a summary row (medians) checked against `minRatio`.
 */
export async function interleaved(
  plan: Plan,
  baseline: Server,
  scenario: string,
  spec: (round: number) => Omit<LoadSpec, 'duration'>,
  minRatio?: number,
): Promise<{ summary: Row; rounds: Row[] }> {
  const rounds: Row[] = [];
  // One uncounted second first (half in --quick): JIT warm-up and the first cache fills are not what a round measures.
  await load(`${scenario} (warm-up)`, { ...spec(0), duration: plan.quick ? 0.5 : 1 });
  for (let round = 1; round <= plan.rounds; round++) {
    const b = await load('baseline', { url: baseline.url + '/baseline', duration: plan.seconds });
    const t = await load(scenario, { duration: plan.seconds, ...spec(round) });
    const row: Row = { scenario, round, rps: t.rps, p50: t.p50, p99: t.p99, p999: t.p999, baselineRps: b.rps, ratio: t.rps / b.rps };
    printRow(row);
    rounds.push(row);
  }
  const m = (k: keyof Row) => median(rounds.map((r) => r[k] as number));
  const ratio = m('ratio');
  const summary: Row = {
    scenario, rps: m('rps'), p50: m('p50'), p99: m('p99'), p999: m('p999'), baselineRps: m('baselineRps'), ratio,
    ...(minRatio !== undefined ? { target: `≥ ${minRatio} × bare`, met: ratio >= minRatio } : { target: 'reported' }),
  };
  return { summary, rounds };
}
