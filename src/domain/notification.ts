/** What a notification tells its recipient; the closed list the writers use and clients switch on. */
export const NOTIFICATION_TYPES = [
  'event_updated',
  'event_deleted',
  'event_restored',
  'event_rolled_back',
  'event_shared',
  'role_changed',
  'access_removed',
  'occurrence_changed',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * The one notification shape: written once per recipient in the change's transaction, carried on
 * the bus to every instance, pushed over the socket as `{"type": "notification", "data": <this>}`
 * and listed over REST with `is_read` added.
 */
export interface Notification {
  id: number;
  type: NotificationType;
  event_id: number | null;
  actor_id: number | null;
  message: string;
  /** Type-specific details: `event_title` always; `version`, `changed_fields`, `role`, `previous_role` by type. */
  data: Record<string, unknown>;
  created_at: string;
}
