import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { AppError } from '../../domain/errors.js';
import { DavError } from './errors.js';
import { type DavCtx } from './context.js';
import { parseDavPath } from './paths.js';
import { handlePropfind, handleProppatch } from './propfind.js';
import { handleReport } from './report.js';
import { handleDelete, handleGet, handlePut } from './objects.js';
import { handleFile } from './files.js';
import { DavStoreError } from '../../services/dav-files.service.js';

const DAV_METHODS = ['PROPFIND', 'PROPPATCH', 'REPORT', 'MKCOL', 'MKCALENDAR', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'];
const ALLOW = 'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCOL, COPY, MOVE';
export const REALM = 'Basic realm="Tandem", charset="UTF-8"';

function davHeaders(reply: FastifyReply) {
  return reply.header('dav', '1, 3, calendar-access').header('allow', ALLOW);
}

/**
 * The CalDAV protocol layer (RFC 4791, 6578) over the same services as the REST API: discovery,
 * PROPFIND/PROPPATCH, REPORTs, and calendar objects. Authenticated with HTTP Basic and an app
 * password; bodies are read as text (XML or iCalendar) with the app's size limit.
 */
export async function davRoutes(app: FastifyInstance, { c }: { c: Container }) {
  for (const m of DAV_METHODS) if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });

  // RFC 6764 discovery: a well-known address that needs no credentials.
  app.route({
    method: ['GET', 'HEAD', 'PROPFIND', 'OPTIONS'],
    url: '/.well-known/caldav',
    handler: async (_req, reply) => reply.status(301).header('location', '/dav/').send(),
  });

  await app.register(async (dav) => {
    dav.decorateRequest('davUser', null);
    dav.removeAllContentTypeParsers();
    // Bytes, not text: plain WebDAV files keep their content as sent (XML and iCalendar are decoded as UTF-8 where read).
    dav.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: c.config.bodyLimitBytes }, (_req, body, done) => done(null, body));

    dav.setErrorHandler(async (caught: Error, req: FastifyRequest, reply: FastifyReply) => {
      const err = caught instanceof DavStoreError ? new DavError(caught.status, caught.message) : caught;
      if (err instanceof DavError) {
        return davHeaders(reply).status(err.status).header('content-type', 'application/xml; charset=utf-8').send(err.body());
      }
      if (err instanceof AppError && err.status === 401) reply.header('www-authenticate', REALM);
      if (err instanceof AppError && err.code === 'RATE_LIMIT_EXCEEDED' && typeof err.extra.retry_after === 'number') {
        reply.header('retry-after', String(err.extra.retry_after)).header('x-ratelimit-limit', String(err.extra.limit))
          .header('x-ratelimit-remaining', '0').header('x-ratelimit-reset', String(err.extra.retry_after));
      }
      throw err;
    });

    dav.addHook('onRequest', async (req) => {
      if (req.method === 'OPTIONS') return;
      const user = await c.basicAuth.authenticate(req.headers.authorization, req.ip);
      req.davUser = user;
      req.principal = { userId: user.userId, sessionId: `app-password:${user.appPasswordId}`, exp: 0 };
    });

    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      davHeaders(reply);
      if (req.method === 'OPTIONS') return reply.status(200).header('content-length', '0').send();
      const target = parseDavPath(req.url);
      const user = req.davUser!;
      const ownsPath = !('user' in target) || target.user.toLowerCase() === user.username.toLowerCase();
      if (target.kind === 'unknown' || !ownsPath) throw new DavError(404, 'No such resource');
      const ctx: DavCtx = { c, req, reply, user, target };
      if (req.method === 'MKCALENDAR' || (req.method === 'MKCOL' && target.kind !== 'file')) throw new DavError(403, 'Tandem has one calendar per user; calendars cannot be created (other folders below the home are plain WebDAV)');
      if (target.kind === 'file') return handleFile(ctx);
      switch (req.method) {
        case 'PROPFIND': return handlePropfind(ctx);
        case 'PROPPATCH': return handleProppatch(ctx);
        case 'REPORT': return handleReport(ctx);
        case 'GET': case 'HEAD': return handleGet(ctx);
        case 'PUT': return handlePut(ctx);
        case 'DELETE': return handleDelete(ctx);
        default: throw new DavError(405, `${req.method} is not supported here`);
      }
    };
    const methods = ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH', ...DAV_METHODS];
    dav.route({ method: methods, url: '/dav', handler });
    dav.route({ method: methods, url: '/dav/*', handler });
  });
}
