import cors from '@fastify/cors';
import { lazyChildLogger } from './http/lazy-logger.js';
import { lazySerializer } from './http/serializer.js';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Container } from './container.js';
import { AppError } from './domain/errors.js';
import { rateLimitStore } from './adapters/rate-limit-store.js';
import { iso } from './domain/time.js';
import { principalPlugin, requireAuth } from './http/plugins/auth.plugin.js';
import { errorsPlugin, sendAppError } from './http/plugins/errors.plugin.js';
import { inputGuardPlugin } from './http/plugins/input-guard.plugin.js';
import { eventRoleGate } from './http/plugins/event-role.plugin.js';
import { clientKey } from './http/client-key.js';
import { earlyStopValidator } from './http/validator.js';
import { metricsPlugin } from './http/plugins/metrics.plugin.js';
import { securityHeadersPlugin } from './http/plugins/security-headers.plugin.js';
import { msgpackPlugin } from './http/plugins/msgpack.plugin.js';
import { swaggerPlugin } from './http/plugins/swagger.plugin.js';
import { clientErrorHandler, guardWire } from './http/plugins/wire-errors.js';
import { webPlugin } from './http/plugins/web.plugin.js';
import { authRoutes, publicAuthRoutes } from './http/routes/auth.routes.js';
import { healthRoutes } from './http/routes/health.routes.js';
import { usersRoutes } from './http/routes/users.routes.js';
import { eventsRoutes } from './http/routes/events.routes.js';
import { occurrencesRoutes } from './http/routes/occurrences.routes.js';
import { historyRoutes } from './http/routes/history.routes.js';
import { auditRoutes } from './http/routes/audit.routes.js';
import { sharingRoutes } from './http/routes/sharing.routes.js';
import { notificationsRoutes } from './http/routes/notifications.routes.js';
import { notificationsWsRoutes } from './http/routes/notifications-ws.routes.js';
import { syncRoutes } from './http/routes/sync.routes.js';
import { appPasswordsRoutes } from './http/routes/app-passwords.routes.js';
import { davRoutes } from './http/dav/dav.routes.js';
import { icalRoutes } from './http/routes/ical.routes.js';
import { feedsRoutes, publicFeedRoutes } from './http/routes/feeds.routes.js';
import { UserSchema } from './schemas/auth.schemas.js';
import { ErrorResponse } from './schemas/common.schemas.js';
import { DOCUMENTED_AS } from './schemas/documented.js';
import { errorSchemas } from './schemas/responses.js';
import { EventSchema } from './schemas/events.schemas.js';

declare module 'fastify' {
  interface FastifyInstance {
    routeList: { method: string; url: string }[];
  }
}

/** Strips secrets from what the logs record of a request: no tokens in URLs, no auth headers. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|refresh_token)=)[^&]*/gi, '$1[REDACTED]');
}

/**
 * TRUST_PROXY as Fastify wants it. A hop count becomes a function trusting the socket peer and the
 * next n−1 X-Forwarded-For entries from the right (Fastify itself fails closed on a bare number),
 * so the client IP is the address the nearest untrusted hop presented, never the leftmost entry a
 * client can write itself. A list is compiled by Fastify's proxy-addr (addresses and CIDRs).
 */
function trustProxyOption(tp: Config['trustProxy']): false | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof tp === 'number') return tp > 0 ? (_addr, hop) => hop < tp : false;
  return tp;
}

/**
 * Builds the Fastify app for a configuration and a wired container; never listens.
 * Public and authenticated routes live in separate encapsulated scopes.
 */
export async function buildApp(config: Readonly<Config>, c: Container, opts: { logStream?: NodeJS.WritableStream; webRoot?: string } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Registration (the OpenAPI document, the web client's file list) is CPU work: on a loaded
    // machine Fastify's default 10 s per plugin has run out mid-start.
    pluginTimeout: 60_000,
    logger: {
      level: config.logLevel,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'access_token', 'refresh_token'], censor: '[REDACTED]' },
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      },
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: trustProxyOption(config.trustProxy),
    // DOCUMENTED_AS is an annotation for the OpenAPI document (see schemas/documented.ts).
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true, keywords: [DOCUMENTED_AS] } },
    schemaController: { compilersFactory: { buildValidator: earlyStopValidator() as never, buildSerializer: lazySerializer() as never } },
    // A URL the router cannot decode gets the envelope, not Fastify's own error shape.
    frameworkErrors: (_err, _req, reply) => sendAppError(reply, new AppError('BAD_REQUEST', 'Malformed URL or percent-encoding')),
    childLoggerFactory: lazyChildLogger,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler,
    http: { requireHostHeader: false },
  });
  guardWire(app);

  // Every route as registered, so a test can check that OpenAPI documents each one.
  const routeList: { method: string; url: string }[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routeList.push({ method: m, url: r.url });
  });

  app.addSchema(ErrorResponse);
  for (const schema of errorSchemas()) app.addSchema(schema);
  app.addSchema(UserSchema);
  app.addSchema(EventSchema);
  await app.register(principalPlugin);
  await app.register(errorsPlugin);
  // Order of checks on event-scoped routes: authentication (onRequest), role, then body and query.
  app.addHook('preValidation', eventRoleGate(c.access));
  await app.register(inputGuardPlugin);
  await app.register(msgpackPlugin);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  await app.register(securityHeadersPlugin);
  await app.register(cors, { origin: config.corsOrigins.includes('*') ? true : config.corsOrigins.length ? config.corsOrigins : false, credentials: false,
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Tandem-No-Change'],
  });
  await app.register(metricsPlugin, { cache: c.cache });
  await app.register(swaggerPlugin);
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    // On shutdown tell clients why (1001 "going away") instead of a bare close.
    preClose: (done) => {
      c.hub.closeAll(1001, 'Server shutting down');
      done();
    },
  });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitUserPerMinute,
    timeWindow: 60_000,
    hook: 'preValidation',
    store: rateLimitStore(c.rateLimit),
    keyGenerator: (req) => (req.principal ? `u:${req.principal.userId}` : `ip:${clientKey(req.ip)}`),
    errorResponseBuilder: (_req, ctx) =>
      new AppError('RATE_LIMIT_EXCEEDED', `Rate limit exceeded, retry in ${ctx.after}`, { reset_at: iso(Date.now() + ctx.ttl) }),
  });

  await app.register(async (pub) => {
    await pub.register(healthRoutes, { c });
    await pub.register(publicAuthRoutes, { c });
    await pub.register(publicFeedRoutes, { c });
  });

  await app.register(async (priv) => {
    priv.addHook('onRequest', requireAuth(c.auth, app.rateLimit({ keyGenerator: (req) => `anon:${clientKey(req.ip)}` })));
    await priv.register(authRoutes, { c });
    await priv.register(usersRoutes, { c });
    await priv.register(eventsRoutes, { c });
    await priv.register(occurrencesRoutes, { c });
    await priv.register(historyRoutes, { c });
    await priv.register(auditRoutes, { c });
    await priv.register(sharingRoutes, { c });
    await priv.register(notificationsRoutes, { c });
    await priv.register(notificationsWsRoutes, { c });
    await priv.register(syncRoutes, { c });
    await priv.register(appPasswordsRoutes, { c });
    await priv.register(icalRoutes, { c });
    await priv.register(feedsRoutes, { c });
  });

  // CalDAV: its own scope with HTTP Basic (app passwords) and XML/iCalendar bodies.
  await app.register(davRoutes, { c });
  // The web client at `/` (its own CSP); reserved API paths keep their JSON 404s.
  await app.register(webPlugin, { root: opts.webRoot });

  return app;
}
