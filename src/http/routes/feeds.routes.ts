import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { notFound } from '../../domain/errors.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { empty, ok, operation } from '../../schemas/responses.js';
import { FeedCreateBody, FeedCreated, FeedFileParam, FeedIdParam, FeedList } from '../../schemas/ical.schemas.js';
import { ETAG_ANY, sendCalendar } from './ical.routes.js';

/** Feeds: create (the secret address is shown once), list, revoke. */
export async function feedsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/feeds', {
    schema: operation('POST', {
      operationId: 'createFeed', tags: ['icalendar'], summary: 'Create a secret subscription address for your calendar (shown once)',
      body: FeedCreateBody, success: { 201: ok('The feed with its secret address (shown once)', FeedCreated) }, errors: [409],
    }),
  }, async (req, reply) => {
    // Behind a proxy PUBLIC_URL names the address subscribers use; otherwise the request's own origin.
    const base = c.config.publicUrl ?? `${req.protocol}://${req.host}`;
    return reply.status(201).send(await c.feeds.create(principalOf(req).userId, req.body.name, base));
  });

  r.get('/api/feeds', {
    schema: operation('GET', { operationId: 'listFeeds', tags: ['icalendar'], summary: 'Your feeds (without their secret addresses)', success: { 200: ok('Your feeds', FeedList) } }),
  }, async (req) => c.feeds.list(principalOf(req).userId));

  r.delete('/api/feeds/:id', {
    schema: operation('DELETE', { operationId: 'deleteFeed', tags: ['icalendar'], summary: 'Revoke a feed: its address answers 404 at once', params: FeedIdParam, success: { 204: empty('Revoked') }, errors: [404] }),
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
      // Outside the OpenAPI document (a secret address, not the JSON API): see the README.
      params: FeedFileParam,
    },
  }, async (req, reply) => {
    const m = /^(.+)\.ics$/.exec(req.params.file);
    if (!m) throw notFound('Feed');
    // A secret in a URL must not be cached by shared caches.
    reply.header('cache-control', 'private, no-cache');
    return sendCalendar(req, reply, await c.feeds.read(m[1]));
  });
}
