import type { Notification } from '../domain/notification.js';

/** The socket frame carrying one notification. */
export function frameOf(n: Notification): string {
  return JSON.stringify({ type: 'notification', data: n });
}
