import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';

/** Liveness, readiness and Prometheus metrics; never rate-limited, never authenticated. */
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

  app.get('/metrics', { config: noLimit, schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    reply.header('content-type', app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });
}
