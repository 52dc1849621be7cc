import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths the web client never answers: their 404s stay the API's JSON envelope. */
const RESERVED = ['/api', '/dav', '/ical', '/docs', '/openapi.json', '/health', '/ready', '/metrics', '/.well-known'];

const isReserved = (path: string) => RESERVED.some((p) => path === p || path.startsWith(p.endsWith('.json') ? p : `${p}/`));

/** sha256 of the empty string: allows the empty `<style data-fullcalendar>` FullCalendar fills through the CSSOM. */
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/** ws/wss to this host (for browsers whose 'self' does not cover WebSockets); nothing for an odd Host header. */
function socketOrigins(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? `ws://${host} wss://${host}` : '';
}

/**
 * The app pages' Content-Security-Policy: only the app's own scripts (no inline script, no eval),
 * its own styles plus FullCalendar's empty style element, API calls and the socket to this origin.
 */
const pageHelmet = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", EMPTY_STYLE_HASH],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'], // FullCalendar's icon font is a data: URL
      connectSrc: ["'self'", (req: IncomingMessage) => socketOrigins(req)],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
};

/** Where `npm run build` puts the client: dist/web, from src/… (tsx) or dist/src/… (built). */
export function defaultWebRoot(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  return basename(root) === 'dist' ? join(root, 'web') : join(root, 'dist', 'web');
}

function listFiles(root: string, dir = root, out = new Set<string>()): Set<string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) listFiles(root, full, out);
    else out.add(relative(root, full).split(sep).join('/'));
  }
  return out;
}

const wantsHtml = (req: FastifyRequest) => /text\/html|\*\/\*/.test(String(req.headers.accept ?? ''));

/**
 * Serves the built web client at `/`: hashed assets cached for a year (immutable), index.html
 * never cached, and any other GET that accepts HTML falls back to index.html (the SPA's routes).
 * Without a build the server still starts and `/` says how to build the client.
 */
export const webPlugin = fp(async (app: FastifyInstance, opts: { root?: string }) => {
  const root = opts.root ?? defaultWebRoot();
  const built = existsSync(join(root, 'index.html'));
  const files = built ? listFiles(root) : new Set<string>();
  if (built) await app.register(fastifyStatic, { root, serve: false, cacheControl: false, etag: true, lastModified: true });

  function sendIndex(reply: FastifyReply) {
    if (!built) {
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store')
        .send('Tandem is running, but the web client is not built. Run `npm run build` (or `npm run build:web`) and reload. The API is at /api, its documentation at /docs.\n');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  }

  app.get('/*', { schema: { hide: true }, config: { rateLimit: false }, helmet: pageHelmet }, async (req, reply) => {
    const path = req.url.split('?')[0];
    if (isReserved(path)) return reply.callNotFound();
    let rel: string;
    try {
      rel = decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      return reply.callNotFound();
    }
    if (rel !== 'index.html' && files.has(rel)) {
      reply.header('cache-control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
      return reply.sendFile(rel);
    }
    if (path === '/' || wantsHtml(req)) return sendIndex(reply);
    return reply.callNotFound();
  });
});
