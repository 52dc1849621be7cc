import { load } from './load.js';
import { seededToken } from './datasets.js';
import { median, type Row, type Server } from './lib.js';
import type { Plan } from './interleave.js';
import { printRow } from './report.js';
import { PROBE_USER, PROBE_WINDOW } from './seed-rows.js';

/*
 * The same reads on a small and a big seeded dataset: the probe user's 50-event window and one of
 * its events by id (the probe owns the same events in both). Latency is measured with one
 * connection (closed loop), so mean latency is 1000 / req/s; small and big alternate round by
 * round. Then both servers' RSS.
 */
export async function scale(plan: Plan, small: { server: Server; events: number }, big: { server: Server; events: number }): Promise<Row[]> {
  const token = seededToken(PROBE_USER);
  const headers = { authorization: `Bearer ${token}` };
  const ws = new Date(PROBE_WINDOW.start).toISOString();
  const we = new Date(PROBE_WINDOW.end).toISOString();
  const shapes = [
    { name: 'window list', path: `/api/events?start_time=${ws}&end_time=${we}&limit=100` },
    { name: 'get-by-id', path: '/api/events/1' },
  ];
  const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
  const rows: Row[] = [];
  for (const shape of shapes) {
    const ms: Record<'small' | 'big', number[]> = { small: [], big: [] };
    for (let round = 0; round < plan.rounds; round++) {
      for (const side of ['small', 'big'] as const) {
        const s = side === 'small' ? small : big;
        const r = await load(`${shape.name} at ${s.events}`, { url: s.server.url + shape.path, headers, connections: 1, duration: plan.seconds });
        ms[side].push(1000 / r.rps);
      }
    }
    const ratio = median(ms.big) / median(ms.small);
    rows.push({
      scenario: `${shape.name} at ${label(big.events)} events ÷ at ${label(small.events)} (latency)`, value: ratio, unit: '×', target: '≤ 1.5 ×', met: ratio <= 1.5,
      note: `mean latency ${median(ms.big).toFixed(3)} vs ${median(ms.small).toFixed(3)} ms, one connection`,
    });
    printRow(rows[rows.length - 1]);
  }
  const rssRatio = big.server.rss() / small.server.rss();
  rows.push({ scenario: `server RSS at ${label(big.events)} events ÷ at ${label(small.events)}`, value: rssRatio, unit: '×', target: '≤ 1.2 ×', met: rssRatio <= 1.2, note: `${(big.server.rss() / 2 ** 20).toFixed(0)} vs ${(small.server.rss() / 2 ** 20).toFixed(0)} MiB after the reads` });
  printRow(rows[rows.length - 1]);
  return rows;
}
