import helmet from '@fastify/helmet';
import helmetMiddleware from 'helmet';
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The headers @fastify/helmet's default configuration sets, computed by helmet itself once: a
 * throwaway Fastify instance with and without the plugin answers one request each, and the
 * difference is helmet's header set. (Helmet builds its middleware anew on every request, parsing
 * the CSP directives each time: about a tenth of a cached GET in the profile.)
 */
async function defaultHelmetHeaders(): Promise<Record<string, string>> {
  const headersOf = async (withHelmet: boolean) => {
    const probe = Fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, { global: true });
    probe.get('/', async () => ({ ok: true }));
    const res = await probe.inject('/');
    await probe.close();
    return res.headers;
  };
  const [bare, helmeted] = [await headersOf(false), await headersOf(true)];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(helmeted)) {
    if (name in bare || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/**
 * Security headers on every response: helmet's defaults as a constant set, and on routes that
 * declare their own `helmet` options (the web client's pages, whose CSP depends on the request) the
 * helmet middleware for those options, built once per route and run as that route's own hook.
 * @fastify/helmet itself is not registered on the app: it added two hooks to every route (one async,
 * building a closure per request) that only the page route needs.
 */
export const securityHeadersPlugin = fp(async (app: FastifyInstance) => {
  const headers = await defaultHelmetHeaders();
  if (!headers['x-content-type-options']) throw new Error('helmet set no headers on the probe request');
  app.addHook('onRoute', (route) => {
    const options = (route as { helmet?: unknown }).helmet;
    if (options === undefined) return;
    if (typeof options !== 'object' || options === null) throw new Error(`route ${route.url}: helmet options must be an object`);
    route.config = Object.assign(route.config ?? {}, { helmet: options });
    const mw = helmetMiddleware(options as Parameters<typeof helmetMiddleware>[0]);
    // The route's own set replaces the constant one the app-wide hook has just put on the reply.
    const own: onRequestHookHandler = (request, reply, done) => {
      for (const name of names) reply.removeHeader(name);
      mw(request.raw, reply.raw, () => done());
    };
    route.onRequest = [own, ...[route.onRequest ?? []].flat()];
  });
  const names = Object.keys(headers);
  // On every request, first of all (so 401s, 429s and 404s carry them too); no per-request look at
  // the route (request.routeOptions builds a fresh object on every read).
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
});
