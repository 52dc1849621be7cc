import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { AppError } from '../../domain/errors.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { empty, ok, operation } from '../../schemas/responses.js';
import { NotificationSocketQuery } from '../../schemas/notifications.schemas.js';

/** The access token in the Authorization header or, for browsers, as `?token=`. */
const SOCKET_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { accessTokenQuery: [] }];

/**
 * `GET /api/notifications/ws`: the live notification socket. The authenticated scope's hook has
 * already checked the token (header, or `?token=` on an upgrade) before the upgrade, so a bad one
 * gets a plain 401; the hub owns the socket from then on.
 */
export async function notificationsWsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const offSize = c.hub.onSizeChange((n) => app.metrics.wsConnections.set(n));
  app.addHook('onClose', async () => {
    offSize();
    c.hub.closeAll();
    app.metrics.wsConnections.set(0);
  });

  r.route({
    method: 'GET',
    url: '/api/notifications/ws',
    config: { queryToken: true },
    schema: operation('GET', {
      operationId: 'openNotificationSocket', tags: ['notifications'],
      summary: 'WebSocket: each notification as {"type": "notification", "data": {…}}; since=<id> replays what was missed',
      description:
        'Upgrade with `?token=<access token>`. Close codes: 4001 token expired or session revoked, 4008 too slow, ' +
        '4029 too many sockets, 1001 server shutting down. After a replay longer than the cap a ' +
        '`{"type": "replay_truncated", "data": {"last_id"}}` message tells the client to page the rest over REST.',
      security: SOCKET_SECURITY,
      querystring: NotificationSocketQuery,
      success: { 101: empty('Switching Protocols: the socket is open') },
      errors: [{ status: 400, ...ok('Not a WebSocket upgrade, or a bad query', Type.Unsafe({ $ref: 'Error400#' })) }],
    }),
    handler: async () => {
      throw new AppError('BAD_REQUEST', 'This endpoint needs a WebSocket upgrade');
    },
    wsHandler: async (socket, req) => {
      const p = principalOf(req);
      const exp = req.principal?.exp ?? 0;
      await c.hub.attach(socket, { userId: p.userId, sessionId: p.sessionId, exp }, req.query.since);
    },
  });
}
