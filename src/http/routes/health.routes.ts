import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { unauthorized } from '../../domain/errors.js';
import { bearerToken } from '../plugins/auth.plugin.js';
import { ok, operation } from '../../schemas/responses.js';

const Check = Type.Enum(['ok', 'down', 'not_configured']);
const Readiness = Type.Object({
  status: Type.Enum(['ready', 'unavailable']),
  checks: Type.Object({ database: Check, redis: Check }),
});

/** Whether the request carries the configured metrics token (compared in constant time). */
function hasMetricsToken(request: FastifyRequest, expected: string): boolean {
  const given = Buffer.from(bearerToken(request) ?? '');
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Liveness, readiness and Prometheus metrics; never rate-limited; metrics guarded by METRICS_TOKEN when set. */
export async function healthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const noLimit = { rateLimit: false };
  app.get('/health', {
    config: noLimit,
    schema: operation('GET', {
      operationId: 'getHealth', tags: ['ops'], summary: 'Process is alive', access: 'unlimited',
      success: { 200: ok('Alive', Type.Object({ status: Type.Literal('ok') })) },
    }),
  }, async () => ({ status: 'ok' }));

  app.get('/ready', {
    config: noLimit,
    schema: operation('GET', {
      operationId: 'getReadiness', tags: ['ops'], summary: 'Database (and Redis, when configured) reachable', access: 'unlimited',
      success: { 200: ok('Ready', Readiness) }, errors: [{ status: 503, ...ok('A dependency is down', Readiness) }],
    }),
  }, async (_req, reply) => {
    const database = await c.handle.ping();
    const redis = c.config.redisUrl ? c.bus.healthy() && c.cache.healthy() : null;
    const ready = database && redis !== false;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      checks: { database: database ? 'ok' : 'down', redis: redis === null ? 'not_configured' : redis ? 'ok' : 'down' },
    });
  });

  app.get('/metrics', {
    config: noLimit,
    schema: operation('GET', {
      operationId: 'getMetrics', tags: ['ops'], summary: 'Prometheus metrics (Bearer METRICS_TOKEN when configured)', access: 'unlimited',
      success: { 200: ok('Prometheus text exposition format', Type.String(), { media: ['text/plain'] }) },
      errors: [401],
    }),
  }, async (req, reply) => {
    const token = c.config.metricsToken;
    if (token && !hasMetricsToken(req, token)) throw unauthorized('Metrics need the metrics token');
    reply.header('content-type', app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });
}
