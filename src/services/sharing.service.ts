import type { Static } from 'typebox';
import type { DbHandle } from '../db/connection.js';
import type { EventRow } from '../db/types.js';
import { AppError, conflict, forbidden, notFound, validationError } from '../domain/errors.js';
import type { NotificationType } from '../domain/notification.js';
import { parseRole, type Role } from '../domain/roles.js';
import { presentPermissions } from '../presenters/permission.presenter.js';
import type { ShareEntry as ShareEntrySchema } from '../schemas/sharing.schemas.js';
import { permissionsRepository } from '../repositories/permissions.repository.js';
import { usersRepository } from '../repositories/users.repository.js';
import { requireRole, requireRoleCached } from './access.js';
import type { ReadCache } from './read-cache.js';
import { notifyCollaborators, recordChange, touchEvent } from './event-writer.js';
import { publishAfterCommit, type UnitOfWork, type WriteContext } from './unit-of-work.js';

/** One `{user_id, role}` of a share request, as its schema admits it (the role still unparsed). */
export type ShareEntry = Static<typeof ShareEntrySchema>;

/** The role of each entry; 400 naming every bad entry (unknown role, OWNER, yourself, listed twice). */
function checkEntries(actorId: number, entries: ShareEntry[]): Role[] {
  const errors: { field: string; message: string }[] = [];
  const roles: Role[] = [];
  const seen = new Set<number>();
  entries.forEach((e, i) => {
    const role = parseRole(e.role);
    if (!role) errors.push({ field: `users[${i}].role`, message: 'must be EDITOR or VIEWER' });
    else if (role === 'OWNER') errors.push({ field: `users[${i}].role`, message: 'ownership moves only by transfer (PUT …/permissions/{userId} with role OWNER)' });
    if (e.user_id === actorId) errors.push({ field: `users[${i}].user_id`, message: 'you cannot share an event with yourself' });
    if (seen.has(e.user_id)) errors.push({ field: `users[${i}].user_id`, message: 'is listed more than once' });
    seen.add(e.user_id);
    roles.push(role ?? 'VIEWER');
  });
  if (errors.length) throw validationError(errors);
  return roles;
}

async function notifyOne(ctx: WriteContext, event: EventRow, userId: number, type: NotificationType, message: string, data: Record<string, unknown>) {
  await notifyCollaborators(ctx, event, type, message, data, [userId]);
}

export function createSharingService(deps: { handle: DbHandle; write: UnitOfWork; rc: ReadCache }) {
  const { handle, write, rc } = deps;

  return {
    /** Everyone with a role on the event, owner first (any role may read it). */
    async list(actorId: number, eventId: number) {
      const { permissions } = await requireRoleCached(rc, handle.db, eventId, actorId, 'VIEWER');
      return presentPermissions(permissions);
    },

    /**
     * Grants EDITOR or VIEWER to each user (owner only); an existing grantee's role is changed.
     * All entries are checked before anything is written. Returns the full permission list.
     */
    async share(actorId: number, eventId: number, entries: ShareEntry[], ip: string | null) {
      return write(actorId, { lockEvent: eventId, audit: { action: 'event.share', ip, eventId, details: { users: entries.map((e) => e.user_id) } } }, async (ctx) => {
        // Role first, then the entries: a stranger gets 404 whatever they send (order of checks).
        const { event } = await requireRole(ctx.trx, eventId, actorId, 'OWNER');
        const roles = checkEntries(actorId, entries);
        const users = await usersRepository.byIds(ctx.trx, entries.map((e) => e.user_id));
        const missing = entries.find((e) => !users.some((u) => u.id === e.user_id));
        if (missing) throw new AppError('NOT_FOUND', `User ${missing.user_id} not found`, { user_id: missing.user_id });
        for (let i = 0; i < entries.length; i++) {
          const { user_id } = entries[i];
          const role = roles[i];
          const username = users.find((u) => u.id === user_id)!.username;
          const current = await permissionsRepository.roleOf(ctx.trx, eventId, user_id);
          if (current === role) continue;
          if (current === 'OWNER') throw conflict('The owner\'s role changes only by transfer');
          if (current) {
            await permissionsRepository.setRole(ctx.trx, eventId, user_id, role, ctx.now);
            await recordChange(ctx, event, 'permission_changed', `changed ${username} from ${current} to ${role}`, user_id);
            await notifyOne(ctx, event, user_id, 'role_changed', `${ctx.actor.username} made you ${role} of “${event.title}”`, { role, previous_role: current });
          } else {
            await permissionsRepository.insert(ctx.trx, { event_id: eventId, user_id, role, created_at: ctx.now, updated_at: ctx.now });
            await recordChange(ctx, event, 'shared', `shared with ${username} as ${role}`, user_id);
            await notifyOne(ctx, event, user_id, 'event_shared', `${ctx.actor.username} shared “${event.title}” with you as ${role}`, { role });
          }
        }
        return presentPermissions(await permissionsRepository.list(ctx.trx, eventId));
      });
    },

    /**
     * Changes one user's role (owner only). Giving OWNER transfers ownership: the previous owner
     * becomes EDITOR, in the same transaction. The owner cannot demote themselves otherwise.
     */
    async setRole(actorId: number, eventId: number, userId: number, roleInput: string, ip: string | null) {
      const parsed = parseRole(roleInput);
      return write(actorId, { lockEvent: eventId, audit: { action: 'event.permission_change', ip, eventId, details: { user_id: userId, role: parsed ?? 'invalid' } } }, async (ctx) => {
        const { event } = await requireRole(ctx.trx, eventId, actorId, 'OWNER');
        if (!parsed) throw validationError([{ field: 'role', message: 'must be OWNER, EDITOR or VIEWER' }]);
        const role: Role = parsed;
        const current = await permissionsRepository.roleOf(ctx.trx, eventId, userId);
        if (!current) throw new AppError('NOT_FOUND', `User ${userId} has no role on this event`, { user_id: userId });
        const target = await usersRepository.byId(ctx.trx, userId);
        if (userId === actorId) {
          if (role !== 'OWNER') throw conflict('The owner cannot demote themselves; transfer ownership first');
          return presentPermissions(await permissionsRepository.list(ctx.trx, eventId));
        }
        if (current === role) return presentPermissions(await permissionsRepository.list(ctx.trx, eventId));
        await permissionsRepository.setRole(ctx.trx, eventId, userId, role, ctx.now);
        if (role === 'OWNER') {
          await permissionsRepository.setRole(ctx.trx, eventId, actorId, 'EDITOR', ctx.now);
          await recordChange(ctx, event, 'permission_changed', `transferred ownership to ${target!.username}`, userId);
          await notifyOne(ctx, event, userId, 'role_changed', `${ctx.actor.username} made you the owner of “${event.title}”`, { role, previous_role: current });
        } else {
          await recordChange(ctx, event, 'permission_changed', `changed ${target!.username} from ${current} to ${role}`, userId);
          await notifyOne(ctx, event, userId, 'role_changed', `${ctx.actor.username} made you ${role} of “${event.title}”`, { role, previous_role: current });
        }
        return presentPermissions(await permissionsRepository.list(ctx.trx, eventId));
      });
    },

    /** Removes a user's role: the owner may remove anyone but themselves; anyone may leave. */
    async remove(actorId: number, eventId: number, userId: number, ip: string | null) {
      await write(actorId, { lockEvent: eventId, audit: { action: 'event.permission_remove', ip, eventId, details: { user_id: userId } } }, async (ctx) => {
        const self = userId === actorId;
        const { event, role } = await requireRole(ctx.trx, eventId, actorId, 'VIEWER', { allowDeleted: true });
        if (!self && role !== 'OWNER') throw forbidden('Only the owner can remove other people');
        const current = await permissionsRepository.roleOf(ctx.trx, eventId, userId);
        if (!current) throw notFound(`Permission for user ${userId}`);
        if (current === 'OWNER') throw conflict('The owner cannot be removed; transfer ownership first');
        const target = await usersRepository.byId(ctx.trx, userId);
        await permissionsRepository.remove(ctx.trx, eventId, userId);
        await recordChange(ctx, event, 'permission_removed', self ? 'left the event' : `removed ${target!.username}`, userId);
        if (!self) await notifyOne(ctx, event, userId, 'access_removed', `${ctx.actor.username} removed your access to “${event.title}”`, {});
        touchEvent(ctx, eventId, [userId]);
        publishAfterCommit(ctx, 'access.removed', { eventId, userId });
      });
    },
  };
}

export type SharingService = ReturnType<typeof createSharingService>;
