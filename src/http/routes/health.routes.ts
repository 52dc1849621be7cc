import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { unauthorized } from '../../domain/errors.js';
import { bearerToken } from '../plugins/auth.plugin.js';

/** Whether the request carries the configured metrics token (compared in constant time). */
function hasMetricsToken(request: FastifyRequest, expected: string): boolean {
  const given = Buffer.from(bearerToken(request) ?? '');
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Liveness, readiness and Prometheus metrics; never rate-limited; metrics guarded by METRICS_TOKEN when set. */
export async function healthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const noLimit = { rateLimit: false };
  app.get('/health', { config: noLimit, schema: { tags: ['ops'], summary: 'Process is alive' } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: noLimit, schema: { tags: ['ops'], summary: 'Database (and Redis, when configured) reachable' } }, async (_req, reply) => {
    const database = await c.handle.ping();
    const redis = c.config.redisUrl ? c.bus.healthy() && c.cache.healthy() : null;
    const ready = database && redis !== false;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      checks: { database: database ? 'ok' : 'down', redis: redis === null ? 'not_configured' : redis ? 'ok' : 'down' },
    });
  });

  app.get('/metrics', { config: noLimit, schema: { tags: ['ops'], summary: 'Prometheus metrics (Bearer METRICS_TOKEN when configured)' } }, async (req, reply) => {
    const token = c.config.metricsToken;
    if (token && !hasMetricsToken(req, token)) throw unauthorized('Metrics need the metrics token');
    reply.header('content-type', app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });
}
