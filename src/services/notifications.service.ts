import type { DbHandle } from '../db/connection.js';
import { notFound } from '../domain/errors.js';
import { presentNotification } from '../presenters/notification.presenter.js';
import { auditRepository } from '../repositories/audit.repository.js';
import { notificationsRepository } from '../repositories/notifications.repository.js';
import { dep, type ReadCache } from './read-cache.js';

/** A notification as the WebSocket pushes it: the stored fields without `is_read`. */
export interface PushedNotification {
  id: number;
  type: string;
  event_id: number | null;
  actor_id: number | null;
  message: string;
  data: Record<string, unknown>;
  created_at: string;
}

/**
 * The caller's stored notifications: list, mark read, and the replay a reconnecting socket needs.
 * Rows are written by the event writer (one per recipient, in the change's transaction); this
 * service only reads them and flips `is_read`.
 */
export function createNotificationsService(deps: { handle: DbHandle; rc: ReadCache }) {
  const { db } = deps.handle;
  const { rc } = deps;
  // The per-user tier: the unread count is read on every list and invalidated by new or read notifications.
  const unreadCount = (userId: number) => rc.get(`unread:${userId}`, [dep.notifications(userId)], 'user', () => notificationsRepository.unreadCount(db, userId));

  return {
    /** Newest first; `total` counts the filtered set, `unread` all unread notifications of the caller. */
    async list(actorId: number, q: { unread?: boolean; skip?: number; limit?: number }) {
      const { total, rows } = await notificationsRepository.list(db, actorId, { unread: q.unread, skip: q.skip ?? 0, limit: q.limit ?? 50 });
      return { total, unread: await unreadCount(actorId), items: rows.map(presentNotification) };
    },

    /** Marks one of the caller's notifications read and returns it. Throws NOT_FOUND for anyone else's. */
    async markRead(actorId: number, id: number, ip: string | null) {
      const out = await db.transaction().execute(async (trx) => {
        const row = await notificationsRepository.byId(trx, actorId, id);
        if (!row) throw notFound('Notification');
        if (row.is_read !== 1) {
          await notificationsRepository.markRead(trx, actorId, id);
          await auditRepository.insert(trx, { user_id: actorId, action: 'notification.read', ip, outcome: 'success', event_id: row.event_id, details: { notification_id: id } }, Date.now());
        }
        return presentNotification({ ...row, is_read: 1 });
      });
      await rc.bump([dep.notifications(actorId)]);
      return out;
    },

    /** Marks every unread notification of the caller read. */
    async markAllRead(actorId: number, ip: string | null) {
      await db.transaction().execute(async (trx) => {
        await notificationsRepository.markAllRead(trx, actorId);
        await auditRepository.insert(trx, { user_id: actorId, action: 'notification.read_all', ip, outcome: 'success' }, Date.now());
      });
      await rc.bump([dep.notifications(actorId)]);
    },

    /** The user's notifications with an id above `afterId`, oldest first, at most `limit` (socket replay). */
    async since(userId: number, afterId: number, limit: number): Promise<PushedNotification[]> {
      const rows = await notificationsRepository.since(db, userId, afterId, limit);
      return rows.map((r) => {
        const { is_read: _read, ...pushed } = presentNotification(r);
        return pushed;
      });
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
