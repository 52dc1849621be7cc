import type { FastifyRequest } from 'fastify';
import { forbidden, notFound } from '../../domain/errors.js';
import { atLeast, type Role } from '../../domain/roles.js';
import type { AccessService } from '../../services/access.js';
import { MAX_INT } from './input-guard.plugin.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** On `/api/events/:id…` routes: the least role the route needs (checked before the body). */
    eventRole?: Role;
  }
}

const EVENT_SCOPED = '/api/events/:id';

/**
 * The order of checks on event-scoped routes, in one place: authentication (the scope's onRequest
 * hook), then the caller's role on the event — none → 404, too weak → 403 — and only then the
 * body and query (schema validation runs after this preValidation hook). So a stranger never
 * learns from a 400 that an event exists. Services check the role again inside their transaction.
 */
export function eventRoleGate(access: AccessService) {
  return async function checkEventRole(request: FastifyRequest) {
    // request.routeOptions builds a new object on every read: read it once.
    const route = request.routeOptions;
    const url = route.url;
    if (!url || (url !== EVENT_SCOPED && !url.startsWith(`${EVENT_SCOPED}/`)) || !request.principal) return;
    const raw = (request.params as Record<string, unknown> | undefined)?.id;
    // A malformed id is the path's own 400, reported by validation.
    if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_INT) return;
    const role = await access.roleOf(Number(raw), request.principal.userId);
    if (!role) throw notFound('Event');
    const min = route.config.eventRole;
    if (min && !atLeast(role, min)) throw forbidden(`This needs the ${min} role; you are ${role}`);
  };
}
