import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Container } from '../../container.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { AppPasswordCreateBody, AppPasswordCreated, AppPasswordList } from '../schemas/app-passwords.schemas.js';
import { errors, IdParam } from '../schemas/common.schemas.js';

/** App passwords: HTTP Basic credentials for CalDAV clients (the account password is never accepted there). */
export async function appPasswordsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/auth/app-passwords', {
    schema: {
      tags: ['auth'], summary: 'Create an app password for a calendar app (the password is shown once)', security: [{ bearer: [] }],
      body: AppPasswordCreateBody, response: { 201: AppPasswordCreated, ...errors(400, 401, 409, 429) },
    },
  }, async (req, reply) => reply.status(201).send(await c.appPasswords.create(principalOf(req).userId, req.body.name, req.ip)));

  r.get('/api/auth/app-passwords', {
    schema: {
      tags: ['auth'], summary: 'Your app passwords (without the passwords)', security: [{ bearer: [] }],
      response: { 200: AppPasswordList, ...errors(401, 429) },
    },
  }, async (req) => c.appPasswords.list(principalOf(req).userId));

  r.delete('/api/auth/app-passwords/:id', {
    schema: {
      tags: ['auth'], summary: 'Revoke an app password: refused at once on every instance', security: [{ bearer: [] }],
      params: IdParam, response: { 204: Type.Null(), ...errors(400, 401, 404, 429) },
    },
  }, async (req, reply) => {
    await c.appPasswords.revoke(principalOf(req).userId, req.params.id, req.ip);
    return reply.status(204).send(null);
  });
}
