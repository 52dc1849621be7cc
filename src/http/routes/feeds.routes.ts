import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { notFound } from '../../domain/errors.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { errors } from '../schemas/common.schemas.js';
import { CalendarBody, FeedCreateBody, FeedCreated, FeedFileParam, FeedIdParam, FeedList } from '../schemas/ical.schemas.js';
import { sendCalendar } from './ical.routes.js';

const security = [{ bearer: [] }];

/** Feeds: create (the secret address is shown once), list, revoke. */
export async function feedsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/feeds', {
    schema: {
      tags: ['icalendar'], summary: 'Create a secret subscription address for your calendar (shown once)', security,
      body: FeedCreateBody, response: { 201: FeedCreated, ...errors(400, 401, 409) },
    },
  }, async (req, reply) => {
    // Behind a proxy PUBLIC_URL names the address subscribers use; otherwise the request's own origin.
    const base = c.config.publicUrl ?? `${req.protocol}://${req.host}`;
    return reply.status(201).send(await c.feeds.create(principalOf(req).userId, req.body.name, base));
  });

  r.get('/api/feeds', {
    schema: { tags: ['icalendar'], summary: 'Your feeds (without their secret addresses)', security, response: { 200: FeedList, ...errors(401) } },
  }, async (req) => c.feeds.list(principalOf(req).userId));

  r.delete('/api/feeds/:id', {
    schema: { tags: ['icalendar'], summary: 'Revoke a feed: its address answers 404 at once', security, params: FeedIdParam, response: { 204: Type.Null(), ...errors(401, 404) } },
  }, async (req, reply) => {
    await c.feeds.remove(principalOf(req).userId, req.params.id);
    return reply.status(204).send(null);
  });
}

/** The secret address itself: no other credentials; rate-limited per IP like every unauthenticated request. */
export async function publicFeedRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/ical/:file', {
    schema: {
      tags: ['icalendar'], summary: 'A subscription feed: the creator\'s calendar as it is now', params: FeedFileParam,
      response: { 200: CalendarBody, 304: { description: 'Not modified', type: 'null' }, ...errors(404, 429) },
    },
  }, async (req, reply) => {
    const m = /^(.+)\.ics$/.exec(req.params.file);
    if (!m) throw notFound('Feed');
    // A secret in a URL must not be cached by shared caches.
    reply.header('cache-control', 'private, no-cache');
    return sendCalendar(req, reply, await c.feeds.read(m[1]));
  });
}
