/** A notification as pushed: `{"type": "notification", "data": <this>}`. */
export interface HubNotification {
  id: number;
  type: string;
  event_id: number | null;
  actor_id: number | null;
  message: string;
  data: unknown;
  created_at: string;
}

/** The socket frame carrying one notification. */
export function frameOf(n: HubNotification): string {
  return JSON.stringify({ type: 'notification', data: n });
}

/** The bus carries the stored row as presented (with `is_read`); sockets get the listed fields. */
export function toPushed(n: Record<string, unknown>): HubNotification {
  return {
    id: n.id as number,
    type: n.type as string,
    event_id: (n.event_id ?? null) as number | null,
    actor_id: (n.actor_id ?? null) as number | null,
    message: n.message as string,
    data: n.data ?? {},
    created_at: n.created_at as string,
  };
}
