import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
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
 * Security headers on every response: helmet's defaults as a constant set, and helmet itself (per
 * request, as before) on routes that declare their own `helmet` options (the web client's pages,
 * whose CSP depends on the request).
 */
export const securityHeadersPlugin = fp(async (app: FastifyInstance) => {
  const headers = await defaultHelmetHeaders();
  if (!headers['x-content-type-options']) throw new Error('helmet set no headers on the probe request');
  await app.register(helmet, { global: false });
  app.addHook('onRequest', (request, reply, done) => {
    if ((request.routeOptions.config as { helmet?: unknown }).helmet === undefined) reply.headers(headers);
    done();
  });
});
