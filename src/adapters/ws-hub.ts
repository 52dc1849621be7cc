import type { WebSocket } from 'ws';
import type { Notification } from '../domain/notification.js';
import type { Bus } from './bus.js';
import { mayReceive, recordRemoval, survivesRemoval, type RemovedAccess } from './ws-access.js';
import { frameOf } from './ws-notification.js';
import { alreadyReplayed, replayStored, type ReplayState } from './ws-replay.js';

/*
 * The per-user registry of notification sockets. It subscribes to the bus — stored notifications
 * (`notifications.created`), revoked sessions and removed access — and knows nothing of HTTP: the
 * route authenticates the upgrade and hands the socket over with the caller's identity.
 *
 * Close codes: 4001 token expired or session revoked · 4008 too slow (send buffer over the cap) ·
 * 4029 too many sockets for one user · 1011 replay failed · 1001 server shutting down.
 *
 * The `since` replay protocol lives in ws-replay.ts, the per-user access filter in ws-access.ts.
 */

export const CLOSE_AUTH = 4001;
export const CLOSE_SLOW = 4008;
export const CLOSE_TOO_MANY = 4029;

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
  replay(userId: number, afterId: number, limit: number): Promise<Notification[]>;
  log?: (err: unknown, msg: string) => void;
  /**
   * Of the given session ids, those no longer live (revoked, expired, gone). When set, the hub asks
   * every `sessionCheckMs` and closes their sockets (4001): a revocation whose bus message was lost
   * (the writing instance had lost Redis) still closes sockets on every instance.
   */
  inactiveSessions?: (ids: string[]) => Promise<string[]>;
  sessionCheckMs?: number;
}

interface Conn extends ReplayState {
  socket: WebSocket;
  client: HubClient;
  user: UserEntry;
  alive: boolean;
  closed: boolean;
  expiry: NodeJS.Timeout | null;
}

interface UserEntry {
  conns: Set<Conn>;
  removed: RemovedAccess;
}

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
  let checker: NodeJS.Timeout | null = null;
  let checking = false;

  async function checkSessions() {
    if (checking || !deps.inactiveSessions) return;
    checking = true;
    try {
      const ids = [...sessions.keys()];
      for (let i = 0; i < ids.length; i += 500) {
        for (const id of await deps.inactiveSessions(ids.slice(i, i + 500))) {
          for (const conn of [...(sessions.get(id) ?? [])]) kick(conn, CLOSE_AUTH, 'Session revoked');
        }
      }
    } catch (err) {
      log(err, 'socket session check failed');
    } finally {
      checking = false;
    }
  }

  function sizeChanged(delta: number) {
    count += delta;
    for (const l of sizeListeners) l(count);
    if (count > 0 && !pinger) {
      pinger = setInterval(pingAll, pingIntervalMs);
      pinger.unref();
      if (deps.inactiveSessions) {
        checker = setInterval(() => void checkSessions(), deps.sessionCheckMs ?? 3_000);
        checker.unref();
      }
    } else if (count === 0 && pinger) {
      clearInterval(pinger);
      pinger = null;
      if (checker) clearInterval(checker);
      checker = null;
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

  function send(conn: Conn, text: string) {
    if (conn.closed || conn.socket.readyState !== conn.socket.OPEN) return;
    if (conn.socket.bufferedAmount > maxBuffered) {
      kick(conn, CLOSE_SLOW, 'Too slow: send buffer full');
      return;
    }
    conn.socket.send(text);
  }

  function deliver(conn: Conn, n: Notification, frame?: string) {
    if (conn.closed) return;
    if (conn.pending) {
      if (conn.pending.length >= maxPending) kick(conn, CLOSE_SLOW, 'Too slow: replay backlog full');
      else conn.pending.push(n);
      return;
    }
    if (alreadyReplayed(conn, n.id)) return;
    if (!mayReceive(conn.user.removed, n)) return;
    send(conn, frame ?? frameOf(n));
  }

  function replay(conn: Conn, since: number): Promise<void> {
    return replayStored(conn, replayLimit, {
      fetch: (limit) => deps.replay(conn.client.userId, since, limit),
      fail: (err) => {
        log(err, 'notification replay failed');
        kick(conn, 1011, 'Replay failed; reconnect');
      },
      sendStored: (n) => {
        if (mayReceive(conn.user.removed, n)) send(conn, frameOf(n));
      },
      send: (text) => send(conn, text),
      deliver: (n) => deliver(conn, n),
    });
  }

  /** Closes every socket (server shutdown); the hub stays usable. */
  function closeAll(code = 1001, reason = 'Server shutting down') {
    for (const entry of [...users.values()]) for (const conn of [...entry.conns]) kick(conn, code, reason);
  }

  const unsubscribe = [
    deps.bus.subscribe('notifications.created', ({ items }) => {
      for (const { user_id, notification: n } of items) {
        const entry = users.get(user_id);
        if (!entry) continue;
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
      recordRemoval(entry.removed, eventId);
      for (const conn of entry.conns) {
        if (conn.pending) conn.pending = conn.pending.filter((n) => survivesRemoval(n, eventId));
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
