import type { Db, EventRow, PermissionWithUser } from '../db/types.js';
import { AppError, forbidden, notFound } from '../domain/errors.js';
import { atLeast, type Role } from '../domain/roles.js';
import { eventsRepository } from '../repositories/events.repository.js';
import { permissionsRepository } from '../repositories/permissions.repository.js';
import { dep, type ReadCache } from './read-cache.js';

/**
 * The one access check for event-scoped operations. No role on the event → 404 (its existence is
 * not leaked); a role below `min` → 403. A deleted event is 404 unless `allowDeleted`.
 */
export async function requireRole(
  db: Db,
  eventId: number,
  userId: number,
  min: Role,
  opts: { allowDeleted?: boolean } = {},
): Promise<{ event: EventRow; role: Role }> {
  const role = await permissionsRepository.roleOf(db, eventId, userId);
  if (!role) throw notFound('Event');
  const event = await eventsRepository.byId(db, eventId);
  if (!event) throw notFound('Event');
  if (event.deleted_at !== null && !opts.allowDeleted) throw notFound('Event');
  if (!atLeast(role, min)) throw forbidden(`This needs the ${min} role; you are ${role}`);
  return { event, role };
}

/** Rejects operations that need a live event (rollback, edits) while it is deleted. */
export function requireLive(event: EventRow): void {
  if (event.deleted_at !== null) throw new AppError('CONFLICT', 'The event is deleted; restore it first');
}

/** Throws 412 with the current version when the client's If-Match names another one. */
export function checkPrecondition(event: EventRow, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== event.version) {
    throw new AppError('PRECONDITION_FAILED', `The event is at version ${event.version}, not ${expectedVersion}`, { current_version: event.version });
  }
}

/**
 * requireRole for read paths outside a transaction, served from the read cache (permission map
 * and event row, both invalidated by any change to the event or its permissions).
 */
export async function requireRoleCached(
  rc: ReadCache,
  db: Db,
  eventId: number,
  userId: number,
  min: Role,
  opts: { allowDeleted?: boolean } = {},
): Promise<{ event: EventRow; role: Role; permissions: PermissionWithUser[] }> {
  const deps = [dep.event(eventId)];
  const permissions = await rc.get(`perms:${eventId}`, deps, 'long', () => permissionsRepository.list(db, eventId), 'security');
  const role = permissions.find((p) => p.user_id === userId)?.role ?? null;
  if (!role) throw notFound('Event');
  const event = await rc.get(`ev:${eventId}`, deps, 'short', async () => (await eventsRepository.byId(db, eventId)) ?? null);
  if (!event) throw notFound('Event');
  if (event.deleted_at !== null && !opts.allowDeleted) throw notFound('Event');
  if (!atLeast(role, min)) throw forbidden(`This needs the ${min} role; you are ${role}`);
  return { event, role, permissions };
}

/** Role lookups for the HTTP layer's order-of-checks gate (served from the cached permission map). */
export function createAccessService(rc: ReadCache, db: Db) {
  return {
    /** The user's role on the event (deleted or not), or null when they hold none. */
    async roleOf(eventId: number, userId: number): Promise<Role | null> {
      const permissions = await rc.get(`perms:${eventId}`, [dep.event(eventId)], 'long', () => permissionsRepository.list(db, eventId), 'security');
      return (permissions.find((p) => p.user_id === userId)?.role ?? null) as Role | null;
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
