import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { AuditList } from '../../schemas/audit.schemas.js';
import { ok, operation } from '../../schemas/responses.js';
import { PageQuery } from '../../schemas/history.schemas.js';

/** The caller's own audit trail. */
export async function auditRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/audit', {
    schema: operation('GET', {
      operationId: 'listAudit', tags: ['audit'], summary: 'Your own audit trail, newest first: action, time, IP, outcome',
      querystring: PageQuery, success: { 200: ok('One page of your audit trail', AuditList) },
    }),
  }, async (req) => c.audit.list(principalOf(req).userId, req.query.skip ?? 0, req.query.limit ?? 50));
}
