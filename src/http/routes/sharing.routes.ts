import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { IdParam } from '../../schemas/common.schemas.js';
import { empty, ok, operation } from '../../schemas/responses.js';
import { PermissionList, PermissionParams, RoleBody, ShareBody } from '../../schemas/sharing.schemas.js';

/** Sharing: grant, list, change and remove roles on an event. */
export async function sharingRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/events/:id/share', {
    config: { eventRole: 'OWNER' },
    schema: operation('POST', {
      operationId: 'shareEvent', tags: ['sharing'], summary: 'Share with users as EDITOR or VIEWER (owner only); returns the permission list',
      params: IdParam, body: ShareBody, success: { 200: ok('Everyone with a role on the event, owner first', PermissionList) }, errors: [403, 404, 409],
    }),
  }, async (req) => {
    const entries = 'users' in req.body ? req.body.users : [req.body];
    return c.sharing.share(principalOf(req).userId, req.params.id, entries, req.ip);
  });

  r.get('/api/events/:id/permissions', {
    schema: operation('GET', {
      operationId: 'listEventPermissions', tags: ['sharing'], summary: 'Everyone with a role on the event, owner first',
      params: IdParam, success: { 200: ok('The permission list', PermissionList) }, errors: [404],
    }),
  }, async (req) => c.sharing.list(principalOf(req).userId, req.params.id));

  r.put('/api/events/:id/permissions/:userId', {
    config: { eventRole: 'OWNER' },
    schema: operation('PUT', {
      operationId: 'setEventRole', tags: ['sharing'], summary: 'Change a role (owner only); role OWNER transfers ownership',
      params: PermissionParams, body: RoleBody, success: { 200: ok('The permission list', PermissionList) }, errors: [403, 404, 409],
    }),
  }, async (req) => c.sharing.setRole(principalOf(req).userId, req.params.id, req.params.userId, req.body.role, req.ip));

  r.delete('/api/events/:id/permissions/:userId', {
    schema: operation('DELETE', {
      operationId: 'removeEventRole', tags: ['sharing'], summary: 'Remove a role (owner), or leave an event yourself',
      params: PermissionParams, success: { 204: empty('Removed') }, errors: [403, 404, 409],
    }),
  }, async (req, reply) => {
    await c.sharing.remove(principalOf(req).userId, req.params.id, req.params.userId, req.ip);
    return reply.status(204).send(null);
  });
}
