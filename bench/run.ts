import { api, measure, printTable, startProcess, tempDataDir, type Result } from './lib.js';
import { scenarios } from './scenarios.js';

/*
 * `npm run bench`: starts the baseline (bare Fastify) and Tandem as real servers on loopback and
 * prints requests/s, p50/p99 latency and the ratio to the baseline measured in this same run, so a
 * noisy shared machine still gives comparable figures.
 */
const appEnv = {
  DATA_DIR: tempDataDir(),
  LOG_LEVEL: 'warn',
  RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  RATE_LIMIT_USER_PER_MINUTE: '1000000',
};

const base = await startProcess('bench/baseline-server.ts', {}, '/baseline');
const tandem = await startProcess('src/server.ts', appEnv, '/health').catch((err) => {
  base.child.kill('SIGTERM');
  throw err;
});
// The same server with the read cache off, for the cache on/off comparison.
const uncached = await startProcess('src/server.ts', { ...appEnv, DATA_DIR: tempDataDir(), CACHE_ENABLED: 'false' }, '/health').catch((err) => {
  base.child.kill('SIGTERM');
  tandem.child.kill('SIGTERM');
  throw err;
});
const only = process.argv.slice(2);
try {
  const baseline = await measure('baseline: bare Fastify JSON route', { url: base.url + '/baseline' });
  const rows: Result[] = [];
  for (const s of scenarios) {
    if (only.length && !only.some((o) => s.name.includes(o))) continue;
    const r = await s.run({ url: tandem.url, uncachedUrl: uncached.url, api: (...a) => api(tandem.url, ...a), measure, baseline });
    rows.push(...(Array.isArray(r) ? r : [r]));
  }
  printTable(baseline, rows);
} finally {
  base.child.kill('SIGTERM');
  tandem.child.kill('SIGTERM');
  uncached.child.kill('SIGTERM');
}
