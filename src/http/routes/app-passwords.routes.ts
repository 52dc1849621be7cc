import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { AppPasswordCreateBody, AppPasswordCreated, AppPasswordList } from '../../schemas/app-passwords.schemas.js';
import { IdParam } from '../../schemas/common.schemas.js';
import { empty, ok, operation } from '../../schemas/responses.js';

/** App passwords: HTTP Basic credentials for CalDAV clients (the account password is never accepted there). */
export async function appPasswordsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/auth/app-passwords', {
    schema: operation('POST', {
      operationId: 'createAppPassword', tags: ['auth'], summary: 'Create an app password for a calendar app (the password is shown once)',
      body: AppPasswordCreateBody, success: { 201: ok('The app password (shown once)', AppPasswordCreated) }, errors: [409],
    }),
  }, async (req, reply) => reply.status(201).send(await c.appPasswords.create(principalOf(req).userId, req.body.name, req.ip)));

  r.get('/api/auth/app-passwords', {
    schema: operation('GET', { operationId: 'listAppPasswords', tags: ['auth'], summary: 'Your app passwords (without the passwords)', success: { 200: ok('Your app passwords', AppPasswordList) } }),
  }, async (req) => c.appPasswords.list(principalOf(req).userId));

  r.delete('/api/auth/app-passwords/:id', {
    schema: operation('DELETE', {
      operationId: 'revokeAppPassword', tags: ['auth'], summary: 'Revoke an app password: refused at once on every instance',
      params: IdParam, success: { 204: empty('Revoked') }, errors: [404],
    }),
  }, async (req, reply) => {
    await c.appPasswords.revoke(principalOf(req).userId, req.params.id, req.ip);
    return reply.status(204).send(null);
  });
}
