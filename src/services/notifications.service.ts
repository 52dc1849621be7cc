import type { DbHandle } from '../db/connection.js';
import { notFound } from '../domain/errors.js';
import type { Notification } from '../domain/notification.js';
import { presentListedNotification, presentNotification } from '../presenters/notification.presenter.js';
import { auditRepository } from '../repositories/audit.repository.js';
import { notificationsRepository } from '../repositories/notifications.repository.js';
import { dep, type ReadCache } from './read-cache.js';
import type { UnitOfWork } from './unit-of-work.js';

/**
 * The caller's stored notifications: list, mark read, and the replay a reconnecting socket needs.
 * Rows are written by the event writer (one per recipient, in the change's transaction); this
 * service only reads them and flips `is_read`.
 */
export function createNotificationsService(deps: { handle: DbHandle; write: UnitOfWork; rc: ReadCache }) {
  const { db } = deps.handle;
  const { rc, write } = deps;
  // The per-user tier: the unread count is read on every list and invalidated by new or read notifications.
  const unreadCount = (userId: number) => rc.get(`unread:${userId}`, [dep.notifications(userId)], 'user', () => notificationsRepository.unreadCount(db, userId));

  return {
    /** Newest first; `total` counts the filtered set, `unread` all unread notifications of the caller. */
    async list(actorId: number, q: { unread?: boolean; skip?: number; limit?: number }) {
      const { total, rows } = await notificationsRepository.list(db, actorId, { unread: q.unread, skip: q.skip ?? 0, limit: q.limit ?? 50 });
      return { total, unread: await unreadCount(actorId), items: rows.map(presentListedNotification) };
    },

    /** Marks one of the caller's notifications read and returns it. Throws NOT_FOUND for anyone else's. */
    async markRead(actorId: number, id: number, ip: string | null) {
      return write(actorId, {}, async ({ trx, now, touched }) => {
        const row = await notificationsRepository.byId(trx, actorId, id);
        if (!row) throw notFound('Notification');
        if (row.is_read !== 1) {
          await notificationsRepository.markRead(trx, actorId, id);
          // Audited only when it changed something, with the notification's event.
          await auditRepository.insert(trx, { user_id: actorId, action: 'notification.read', ip, outcome: 'ok', event_id: row.event_id, details: { notification_id: id } }, now);
        }
        touched.notifications.add(actorId);
        return presentListedNotification({ ...row, is_read: 1 });
      });
    },

    /** Marks every unread notification of the caller read. */
    async markAllRead(actorId: number, ip: string | null) {
      await write(actorId, { audit: { action: 'notification.read_all', ip } }, async ({ trx, touched }) => {
        await notificationsRepository.markAllRead(trx, actorId);
        touched.notifications.add(actorId);
      });
    },

    /** The user's notifications with an id above `afterId`, oldest first, at most `limit` (socket replay). */
    async since(userId: number, afterId: number, limit: number): Promise<Notification[]> {
      return (await notificationsRepository.since(db, userId, afterId, limit)).map(presentNotification);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
