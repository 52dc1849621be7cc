import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { AuditList } from '../schemas/audit.schemas.js';
import { errors } from '../schemas/common.schemas.js';
import { PageQuery } from '../schemas/history.schemas.js';

/** The caller's own audit trail. */
export async function auditRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/audit', {
    schema: {
      tags: ['audit'], summary: 'Your own audit trail, newest first: action, time, IP, outcome', security: [{ bearer: [] }],
      querystring: PageQuery, response: { 200: AuditList, ...errors(400, 401) },
    },
  }, async (req) => c.audit.list(principalOf(req).userId, req.query.skip ?? 0, req.query.limit ?? 50));
}
