import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { errors, IdParam } from '../schemas/common.schemas.js';
import { NotificationListQuery, NotificationListResponse, NotificationSchema } from '../schemas/notifications.schemas.js';

const security = [{ bearer: [] }];

/** The caller's stored notifications: list, mark one read, mark all read. */
export async function notificationsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/notifications', {
    schema: {
      tags: ['notifications'], summary: 'Your notifications, newest first (unread filter, pagination)', security,
      querystring: NotificationListQuery, response: { 200: NotificationListResponse, ...errors(400, 401) },
    },
  }, async (req) => c.notifications.list(principalOf(req).userId, req.query));

  // Static path first in the source; find-my-way prefers it over `:id` anyway.
  r.put('/api/notifications/read-all', {
    schema: { tags: ['notifications'], summary: 'Mark all your notifications read', security, response: { 204: Type.Null(), ...errors(401) } },
  }, async (req, reply) => {
    await c.notifications.markAllRead(principalOf(req).userId, req.ip);
    return reply.status(204).send(null);
  });

  r.put('/api/notifications/:id/read', {
    schema: {
      tags: ['notifications'], summary: 'Mark one notification read; returns it', security,
      params: IdParam, response: { 200: NotificationSchema, ...errors(400, 401, 404) },
    },
  }, async (req) => c.notifications.markRead(principalOf(req).userId, req.params.id, req.ip));
}
