import type { WebSocket } from 'ws';
import type { Bus } from './bus.js';

/*
 * The per-user registry of notification sockets. It subscribes to the bus — stored notifications
 * (`notifications.created`), revoked sessions and removed access — and knows nothing of HTTP: the
 * route authenticates the upgrade and hands the socket over with the caller's identity.
 *
 * Close codes: 4001 token expired or session revoked · 4008 too slow (send buffer over the cap) ·
 * 4029 too many sockets for one user · 1011 replay failed · 1001 server shutting down.
 */

export const CLOSE_AUTH = 4001;
export const CLOSE_SLOW = 4008;
export const CLOSE_TOO_MANY = 4029;

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

export interface WsHubOptions {
  /** How often every socket is pinged; a socket that did not pong since the last ping is dropped. */
  pingIntervalMs?: number;
  /** A socket whose unsent data exceeds this is dropped rather than buffered without bound. */
  maxBufferedBytes?: number;
  maxSocketsPerUser?: number;
  /** Most stored notifications one `since` replay sends (then `replay_truncated`). */
  replayLimit?: number;
  /** Live messages held while a replay runs; beyond this the socket is dropped as too slow. */
  maxPending?: number;
}

export interface HubClient {
  userId: number;
  sessionId: string;
  /** Access-token expiry, epoch seconds. */
  exp: number;
}

export interface WsHubDeps {
  bus: Bus;
  /** The user's stored notifications with id > afterId, oldest first, at most `limit`. */
  replay(userId: number, afterId: number, limit: number): Promise<HubNotification[]>;
  log?: (err: unknown, msg: string) => void;
}

interface Conn {
  socket: WebSocket;
  client: HubClient;
  user: UserEntry;
  alive: boolean;
  closed: boolean;
  expiry: NodeJS.Timeout | null;
  /** Non-null while the `since` replay query runs: live messages wait here. */
  pending: HubNotification[] | null;
  /** Ids sent by the replay, so the same notification arriving live is not sent twice. */
  replayed: Set<number> | null;
  replayedUntil: number;
}

interface UserEntry {
  conns: Set<Conn>;
  /** eventId → when this instance learned the user's access was removed. */
  removed: Map<number, number>;
}

// Notification types of the sharing service: the removal notice itself still reaches the removed
// user, and a new share means they hold a role again.
const REMOVAL_NOTICE = 'access_removed';
const REGRANT_NOTICE = 'event_shared';
const REMOVED_TTL_MS = 5 * 60_000;
const REPLAYED_TTL_MS = 60_000;
const KILL_AFTER_MS = 5_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Creates the hub and subscribes it to the bus. Call `closeAll` on shutdown, `close` to detach from the bus. */
export function createWsHub(deps: WsHubDeps, opts: WsHubOptions = {}) {
  const pingIntervalMs = opts.pingIntervalMs ?? 30_000;
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const maxPerUser = opts.maxSocketsPerUser ?? 20;
  const replayLimit = opts.replayLimit ?? 1000;
  const maxPending = opts.maxPending ?? 10_000;
  const log = deps.log ?? (() => undefined);

  const users = new Map<number, UserEntry>();
  const sessions = new Map<string, Set<Conn>>();
  const sizeListeners = new Set<(n: number) => void>();
  let count = 0;
  let pinger: NodeJS.Timeout | null = null;

  function sizeChanged(delta: number) {
    count += delta;
    for (const l of sizeListeners) l(count);
    if (count > 0 && !pinger) {
      pinger = setInterval(pingAll, pingIntervalMs);
      pinger.unref();
    } else if (count === 0 && pinger) {
      clearInterval(pinger);
      pinger = null;
    }
  }

  function pingAll() {
    for (const entry of users.values()) {
      for (const conn of entry.conns) {
        if (!conn.alive) {
          drop(conn);
          conn.socket.terminate();
          continue;
        }
        conn.alive = false;
        try {
          conn.socket.ping();
        } catch {
          /* the close event cleans up */
        }
      }
    }
  }

  /** Takes the socket out of the registry (idempotent); its close event or our close call follows. */
  function drop(conn: Conn) {
    if (conn.closed) return;
    conn.closed = true;
    if (conn.expiry) clearTimeout(conn.expiry);
    conn.pending = null;
    conn.user.conns.delete(conn);
    if (!conn.user.conns.size && users.get(conn.client.userId) === conn.user) users.delete(conn.client.userId);
    const s = sessions.get(conn.client.sessionId);
    s?.delete(conn);
    if (s && !s.size) sessions.delete(conn.client.sessionId);
    sizeChanged(-1);
  }

  /** Closes with a code; a peer that does not answer the close handshake is cut off shortly after. */
  function kick(conn: Conn, code: number, reason: string) {
    drop(conn);
    const { socket } = conn;
    if (socket.readyState === socket.CLOSED) return;
    socket.close(code, reason);
    setTimeout(() => socket.terminate(), KILL_AFTER_MS).unref();
  }

  /** Whether a message about an event may still reach a user whose access to it was removed. */
  function allowed(user: UserEntry, n: HubNotification): boolean {
    if (n.event_id === null) return true;
    const cut = user.removed.get(n.event_id);
    if (cut === undefined) return true;
    if (n.type === REMOVAL_NOTICE) return true;
    // Written after this instance saw the removal, or a new share: the user holds a role again.
    if (n.type === REGRANT_NOTICE || Date.parse(n.created_at) > cut) {
      user.removed.delete(n.event_id);
      return true;
    }
    return false;
  }

  function send(conn: Conn, text: string) {
    if (conn.closed || conn.socket.readyState !== conn.socket.OPEN) return;
    if (conn.socket.bufferedAmount > maxBuffered) {
      kick(conn, CLOSE_SLOW, 'Too slow: send buffer full');
      return;
    }
    conn.socket.send(text);
  }

  function deliver(conn: Conn, n: HubNotification, frame?: string) {
    if (conn.closed) return;
    if (conn.pending) {
      if (conn.pending.length >= maxPending) kick(conn, CLOSE_SLOW, 'Too slow: replay backlog full');
      else conn.pending.push(n);
      return;
    }
    if (conn.replayed) {
      if (Date.now() > conn.replayedUntil) conn.replayed = null;
      else if (conn.replayed.has(n.id)) return;
    }
    if (!allowed(conn.user, n)) return;
    send(conn, frame ?? frameOf(n));
  }

  async function replay(conn: Conn, since: number) {
    conn.pending = [];
    let rows: HubNotification[];
    try {
      rows = await deps.replay(conn.client.userId, since, replayLimit + 1);
    } catch (err) {
      log(err, 'notification replay failed');
      kick(conn, 1011, 'Replay failed; reconnect');
      return;
    }
    if (conn.closed) return;
    const page = rows.slice(0, replayLimit);
    conn.replayed = new Set();
    for (const n of page) {
      conn.replayed.add(n.id);
      if (allowed(conn.user, n)) send(conn, frameOf(n));
    }
    if (rows.length > replayLimit) {
      send(conn, JSON.stringify({ type: 'replay_truncated', data: { last_id: page[page.length - 1].id } }));
    }
    // Live messages that arrived during the query, in id order, minus what the replay already sent.
    const held = (conn.pending ?? []).sort((a, b) => a.id - b.id);
    conn.pending = null;
    conn.replayedUntil = Date.now() + REPLAYED_TTL_MS;
    for (const n of held) deliver(conn, n);
  }

  /** Closes every socket (server shutdown); the hub stays usable. */
  function closeAll(code = 1001, reason = 'Server shutting down') {
    for (const entry of [...users.values()]) for (const conn of [...entry.conns]) kick(conn, code, reason);
  }

  const unsubscribe = [
    deps.bus.subscribe('notifications.created', ({ items }) => {
      for (const { user_id, notification } of items) {
        const entry = users.get(user_id);
        if (!entry) continue;
        const n = toPushed(notification);
        let frame: string | undefined;
        for (const conn of [...entry.conns]) {
          if (!frame && !conn.pending) frame = frameOf(n);
          deliver(conn, n, frame);
        }
      }
    }),
    deps.bus.subscribe('session.revoked', ({ sessionId }) => {
      for (const conn of [...(sessions.get(sessionId) ?? [])]) kick(conn, CLOSE_AUTH, 'Session revoked');
    }),
    deps.bus.subscribe('access.removed', ({ eventId, userId }) => {
      const entry = users.get(userId);
      if (!entry) return;
      const now = Date.now();
      for (const [id, at] of entry.removed) if (now - at > REMOVED_TTL_MS) entry.removed.delete(id);
      entry.removed.set(eventId, now);
      for (const conn of entry.conns) {
        if (conn.pending) conn.pending = conn.pending.filter((n) => n.event_id !== eventId || n.type === REMOVAL_NOTICE);
      }
    }),
  ];

  return {
    /**
     * Registers an authenticated socket; with `since`, first replays the user's stored notifications
     * after that id, then continues live without a gap or a duplicate. Closes the socket with 4029
     * when the user already has the maximum number open, and with 4001 when the token expires.
     */
    async attach(socket: WebSocket, client: HubClient, since?: number): Promise<void> {
      if (socket.readyState !== socket.OPEN) return;
      let user = users.get(client.userId);
      if (user && user.conns.size >= maxPerUser) {
        socket.close(CLOSE_TOO_MANY, 'Too many sockets for this user');
        return;
      }
      if (!user) users.set(client.userId, (user = { conns: new Set(), removed: new Map() }));
      const conn: Conn = { socket, client, user, alive: true, closed: false, expiry: null, pending: null, replayed: null, replayedUntil: 0 };
      user.conns.add(conn);
      let s = sessions.get(client.sessionId);
      if (!s) sessions.set(client.sessionId, (s = new Set()));
      s.add(conn);
      sizeChanged(1);
      socket.on('close', () => drop(conn));
      socket.on('pong', () => (conn.alive = true));
      socket.on('message', () => (conn.alive = true));
      const ttl = Math.min(Math.max(0, client.exp * 1000 - Date.now()), MAX_TIMER_MS);
      conn.expiry = setTimeout(() => kick(conn, CLOSE_AUTH, 'Token expired'), ttl);
      conn.expiry.unref();
      if (since !== undefined) await replay(conn, since);
    },

    /** Open sockets on this instance. */
    size: () => count,

    /** Open sockets of one user on this instance. */
    socketsOf: (userId: number) => users.get(userId)?.conns.size ?? 0,

    /** Calls `listener` with the new socket count whenever it changes; returns the unsubscribe. */
    onSizeChange(listener: (n: number) => void): () => void {
      sizeListeners.add(listener);
      return () => sizeListeners.delete(listener);
    },

    closeAll,

    /** Closes every socket and stops listening to the bus. */
    close() {
      closeAll();
      for (const off of unsubscribe) off();
    },
  };
}

export type WsHub = ReturnType<typeof createWsHub>;

function frameOf(n: HubNotification): string {
  return JSON.stringify({ type: 'notification', data: n });
}

/** The bus carries the stored row as presented (with `is_read`); sockets get the listed fields. */
function toPushed(n: Record<string, unknown>): HubNotification {
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
