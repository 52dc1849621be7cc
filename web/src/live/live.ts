import { api, type ApiNotification } from '../api/client';
import { renew, session } from '../auth/session';

export interface LiveHandlers {
  /** An event changed (or may have): refetch it and update its calendar entries. */
  onEventChanged(id: number): void;
  /** The user can no longer see this event. */
  onEventGone(id: number): void;
  /** The notification list or its unread count changed. */
  onNotifications(list: ApiNotification[], unread: number): void;
}

const GONE = new Set(['event_deleted', 'access_removed']);

/**
 * The live link: a WebSocket on /api/notifications/ws (token in the query, as browsers cannot
 * set headers there), reconnecting with `since=<last id>` so nothing is missed, and a catch-up
 * through /api/sync after every reconnect or when the browser comes back online.
 */
export function startLive(h: LiveHandlers) {
  let socket: WebSocket | null = null;
  let lastId = 0;
  let cursor: string | null = null;
  let list: ApiNotification[] = [];
  let unread = 0;
  let stopped = false;
  let retry = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let connectedOnce = false;

  const publish = () => h.onNotifications(list, unread);

  async function loadList() {
    const { data } = await api.GET('/api/notifications', { params: { query: { skip: 0, limit: 30 } } });
    if (!data) return;
    list = data.items;
    unread = data.unread;
    lastId = Math.max(lastId, ...list.map((n) => n.id));
    publish();
  }

  /** Pages through /api/sync from the cursor; without one it only establishes the cursor. */
  async function sync(apply: boolean) {
    for (let page = 0; page < 20; page++) {
      const { data, response } = await api.GET('/api/sync', { params: { query: cursor ? { cursor } : {} } });
      if (response.status === 410) {
        cursor = null;
        continue;
      }
      if (!data) return;
      cursor = data.cursor;
      if (apply) {
        for (const e of data.changes) h.onEventChanged(e.id);
        for (const t of data.tombstones) h.onEventGone(t.id);
      }
      if (!data.has_more) return;
    }
  }

  function onMessage(raw: string) {
    let msg: { type?: string; data?: ApiNotification & { last_id?: number } };
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (msg.type === 'replay_truncated') return void loadList();
    if (msg.type !== 'notification' || !msg.data) return;
    const n = { ...msg.data, is_read: false } as ApiNotification;
    if (n.id <= lastId && list.some((x) => x.id === n.id)) return;
    lastId = Math.max(lastId, n.id);
    list = [n, ...list].slice(0, 50);
    unread += 1;
    publish();
    if (n.event_id) (GONE.has(n.type) ? h.onEventGone : h.onEventChanged)(n.event_id);
  }

  function connect() {
    const token = session.access();
    if (stopped || !token) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const qs = new URLSearchParams({ token });
    if (lastId) qs.set('since', String(lastId));
    const ws = new WebSocket(`${proto}//${location.host}/api/notifications/ws?${qs}`);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      // After a drop, what changed while we were away comes from /api/sync (and the since= replay).
      if (connectedOnce) void sync(true);
      connectedOnce = true;
    };
    ws.onmessage = (e) => onMessage(String(e.data));
    ws.onclose = (e) => {
      if (socket !== ws || stopped) return;
      socket = null;
      const wait = Math.min(30_000, 500 * 2 ** retry++);
      // 4001: the token expired or the session ended; renew before trying again.
      retryTimer = setTimeout(() => void (e.code === 4001 ? renew().then((ok) => ok && connect()) : connect()), wait);
    };
  }

  const online = () => {
    if (!socket || socket.readyState > WebSocket.OPEN) {
      clearTimeout(retryTimer);
      retry = 0;
      connect();
    } else void sync(true);
  };
  window.addEventListener('online', online);

  void (async () => {
    await loadList();
    await sync(false);
    connect();
  })();

  return {
    async markAllRead() {
      await api.PUT('/api/notifications/read-all');
      list = list.map((n) => ({ ...n, is_read: true }));
      unread = 0;
      publish();
    },
    async markRead(id: number) {
      const { data } = await api.PUT('/api/notifications/{id}/read', { params: { path: { id } } });
      if (!data) return;
      const was = list.find((n) => n.id === id);
      list = list.map((n) => (n.id === id ? data : n));
      if (was && !was.is_read) unread = Math.max(0, unread - 1);
      publish();
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      window.removeEventListener('online', online);
      socket?.close(1000);
      socket = null;
    },
  };
}

export type Live = ReturnType<typeof startLive>;
