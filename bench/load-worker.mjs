import autocannon from 'autocannon';

/*
 * The load generator's own process (bench/load.ts starts it pinned to its own core): runs one
 * autocannon measurement described by the JSON in argv[2] (a LoadSpec, see load.ts) and prints the
 * result as JSON. Plain JavaScript, so the process starts without a TypeScript loader.
 */
/** @type {import('./load.js').LoadSpec} */
const spec = JSON.parse(process.argv[2]);
let i = 0;
const bodyOf = () => {
  i++;
  if (spec.bodyKind === 'create') {
    // Each request books its own two-hour slot, so the conflict check passes and every create writes.
    const s = spec.slotBase + i * 7_200_000;
    return JSON.stringify({ title: `Created ${i}`, start_time: new Date(s).toISOString(), end_time: new Date(s + 3600_000).toISOString() });
  }
  if (spec.bodyKind === 'update') return JSON.stringify({ title: `Updated ${spec.slotBase ?? 0}-${i}` });
  return spec.body;
};
const r = await autocannon({
  url: spec.url,
  method: spec.method ?? 'GET',
  headers: { ...(spec.bodyKind || spec.body ? { 'content-type': 'application/json' } : {}), ...spec.headers },
  connections: spec.connections ?? 10,
  duration: spec.duration,
  ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  ...(spec.bodyKind ? { requests: [{ setupRequest: (req) => ({ ...req, body: bodyOf() }) }] } : spec.body ? { body: spec.body } : {}),
});
/** @type {import('./load.js').LoadResult} */
const out = {
  rps: r.requests.average,
  total: r.requests.total,
  p50: r.latency.p50,
  p99: r.latency.p99,
  p999: r.latency.p99_9 ?? r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
};
process.stdout.write(JSON.stringify(out) + '\n');
