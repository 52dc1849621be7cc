import { load } from './load.js';
import { api, median, registerUser, type Row, type Server } from './lib.js';
import type { Plan } from './interleave.js';
import { printRow } from './report.js';

/*
 * A month of a daily series that began twenty years ago against one that began last week: the
 * expanded listing of the coming month, one connection, alternating round by round. Expansion
 * should start at the window, not walk two decades of occurrences (test/recurrence-work.test.ts
 * counts the rrule work of exactly this listing: the same for both).
 */
export async function seriesAge(plan: Plan, server: Server): Promise<Row> {
  const DAY = 86_400_000;
  const today = Math.floor(Date.now() / DAY) * DAY;
  const monthStart = new Date(today + 7 * DAY).toISOString();
  const monthEnd = new Date(today + 38 * DAY).toISOString();
  const sides = [];
  for (const [name, start] of [['old', today - Math.round(20 * 365.25) * DAY], ['new', today - 7 * DAY]] as const) {
    const u = await registerUser(server.url, `series${name}`);
    const s = start + 8 * 3600_000;
    await api(server.url, 'POST', '/api/events', u.token, { title: `Daily since ${name}`, start_time: new Date(s).toISOString(), end_time: new Date(s + 1800_000).toISOString(), timezone: 'Europe/Paris', recurrence_pattern: { frequency: 'DAILY' } });
    const path = `/api/events?expand=true&start_time=${monthStart}&end_time=${monthEnd}&limit=100`;
    const check = await api(server.url, 'GET', path, u.token);
    if (check.total < 30) throw new Error(`series-age: expected a month of occurrences, got ${check.total}`);
    sides.push({ url: server.url + path, token: u.token, ms: [] as number[] });
  }
  // Uncounted warm-up of both, then the order alternates round by round (at least two rounds): the
  // side measured first after the previous scenario ran ~2x slower in round 1's runs, whatever it was.
  for (const side of sides) await load('series month (warm-up)', { url: side.url, headers: { authorization: `Bearer ${side.token}` }, connections: 1, duration: plan.quick ? 0.5 : 1 });
  for (let round = 0; round < Math.max(2, plan.rounds + (plan.rounds % 2)); round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      const r = await load('series month', { url: side.url, headers: { authorization: `Bearer ${side.token}` }, connections: 1, duration: plan.seconds });
      side.ms.push(1000 / r.rps);
    }
  }
  const [old, fresh] = sides.map((s) => median(s.ms));
  const row: Row = { scenario: 'month of a daily series begun 20 years ago ÷ begun last week', value: old / fresh, unit: '×', target: '≤ 1.5 ×', met: old / fresh <= 1.5, note: `mean latency ${old.toFixed(3)} vs ${fresh.toFixed(3)} ms, one connection` };
  printRow(row);
  return row;
}
