import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { IdParam } from '../../schemas/common.schemas.js';
import { empty, ok, operation } from '../../schemas/responses.js';
import { NotificationListQuery, NotificationListResponse, NotificationSchema } from '../../schemas/notifications.schemas.js';

/** The caller's stored notifications: list, mark one read, mark all read. */
export async function notificationsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/notifications', {
    schema: operation('GET', {
      operationId: 'listNotifications', tags: ['notifications'], summary: 'Your notifications, newest first (unread filter, pagination)',
      querystring: NotificationListQuery, success: { 200: ok('One page of notifications and the unread count', NotificationListResponse) },
    }),
  }, async (req) => c.notifications.list(principalOf(req).userId, req.query));

  // Static path first in the source; find-my-way prefers it over `:id` anyway.
  r.put('/api/notifications/read-all', {
    schema: operation('PUT', {
      operationId: 'markAllNotificationsRead', tags: ['notifications'], summary: 'Mark all your notifications read',
      success: { 204: empty('All read') },
    }),
  }, async (req, reply) => {
    await c.notifications.markAllRead(principalOf(req).userId, req.ip);
    return reply.status(204).send(null);
  });

  r.put('/api/notifications/:id/read', {
    schema: operation('PUT', {
      operationId: 'markNotificationRead', tags: ['notifications'], summary: 'Mark one notification read; returns it',
      params: IdParam, success: { 200: ok('The notification', NotificationSchema) }, errors: [404],
    }),
  }, async (req) => c.notifications.markRead(principalOf(req).userId, req.params.id, req.ip));
}
