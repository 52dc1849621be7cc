import type { Notification } from '../domain/notification.js';

/*
 * The `since` replay of one notification socket: stored notifications after the client's last id,
 * then the live messages that arrived meanwhile, without a gap or a duplicate. Live messages are
 * held while the replay query runs; afterwards the replayed ids are remembered for a while, since
 * a notification stored during the query can reach the socket both ways.
 */

const REPLAYED_TTL_MS = 60_000;

/** Replay bookkeeping of one socket, kept on its connection record. */
export interface ReplayState {
  /** Non-null while the `since` replay query runs: live messages wait here. */
  pending: Notification[] | null;
  /** Ids sent by the replay, so the same notification arriving live is not sent twice. */
  replayed: Set<number> | null;
  replayedUntil: number;
}

/** What a replay does through the hub; `fetch` returns stored notifications after the cursor, oldest first, at most `limit`. */
export interface ReplayIo {
  fetch(limit: number): Promise<Notification[]>;
  /** The query failed: the socket is to be closed. */
  fail(err: unknown): void;
  /** Sends one replayed notification, subject to the access filter. */
  sendStored(n: Notification): void;
  send(text: string): void;
  /** Hands a live message held during the query to normal delivery. */
  deliver(n: Notification): void;
}

/**
 * Replays up to `limit` stored notifications (then a `replay_truncated` frame naming the last id
 * sent), then releases the live messages held meanwhile in id order. Stops quietly when the socket
 * closed during the query (`conn.closed`).
 */
export async function replayStored(conn: ReplayState & { readonly closed: boolean }, limit: number, io: ReplayIo): Promise<void> {
  conn.pending = [];
  let rows: Notification[];
  try {
    rows = await io.fetch(limit + 1);
  } catch (err) {
    io.fail(err);
    return;
  }
  if (conn.closed) return;
  const page = rows.slice(0, limit);
  conn.replayed = new Set();
  for (const n of page) {
    conn.replayed.add(n.id);
    io.sendStored(n);
  }
  if (rows.length > limit) {
    io.send(JSON.stringify({ type: 'replay_truncated', data: { last_id: page[page.length - 1].id } }));
  }
  // Live messages that arrived during the query, in id order, minus what the replay already sent.
  const held = (conn.pending ?? []).sort((a, b) => a.id - b.id);
  conn.pending = null;
  conn.replayedUntil = Date.now() + REPLAYED_TTL_MS;
  for (const n of held) io.deliver(n);
}

/** Whether the replay already sent this notification; forgets the replayed ids once their time is up. */
export function alreadyReplayed(conn: ReplayState, id: number): boolean {
  if (!conn.replayed) return false;
  if (Date.now() > conn.replayedUntil) {
    conn.replayed = null;
    return false;
  }
  return conn.replayed.has(id);
}
