import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Cache } from '../../adapters/cache.js';

export interface Metrics {
  registry: Registry;
  wsConnections: Gauge;
  rateLimited: Counter;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** Prometheus metrics: requests and latencies by route, cache hits/misses, sockets, rate limiting. */
export const metricsPlugin = fp(async (app: FastifyInstance, { cache }: { cache: Cache }) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const wsConnections = new Gauge({ name: 'websocket_connections', help: 'Open WebSocket connections', registers: [registry] });
  const rateLimited = new Counter({ name: 'rate_limit_rejections_total', help: 'Requests rejected by the rate limiter', registers: [registry] });
  new Gauge({ name: 'cache_hits_total', help: 'Cache hits', registers: [registry], collect() { this.set(cache.stats().hits); } });
  new Gauge({ name: 'cache_misses_total', help: 'Cache misses', registers: [registry], collect() { this.set(cache.stats().misses); } });
  new Gauge({ name: 'cache_entries', help: 'Entries in the read cache', registers: [registry], collect() { this.set(cache.stats().entries); } });
  new Gauge({ name: 'cache_bytes', help: 'Approximate size of the read cache (what its size cap counts)', registers: [registry], collect() { this.set(cache.stats().bytes); } });
  app.decorate('metrics', { registry, wsConnections, rateLimited });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) rateLimited.inc();
  });
});
