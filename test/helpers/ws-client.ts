import WebSocket from 'ws';

// No timing assertions: every wait is a promise with a generous fail-safe timeout, and "received
// nothing" is shown by the next message being a later one (a socket delivers in order).
export const WAIT_MS = 10_000;

/** A WebSocket client that queues what it receives. */
export interface WsClient {
  ws: WebSocket;
  /** The next message not yet taken, parsed; rejects after WAIT_MS. */
  next(): Promise<any>;
  /** Every message received so far, in order (whether taken by `next()` or not). */
  received: any[];
  closed: Promise<{ code: number; reason: string }>;
  /** Closes and waits for the close to complete. */
  close(): Promise<{ code: number; reason: string }>;
}

/** Wraps a socket: messages are parsed as JSON and queued for `next()`. */
export function collect(ws: WebSocket): WsClient {
  const queue: any[] = [];
  const received: any[] = [];
  const waiters: ((m: any) => void)[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    received.push(m);
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((res) => ws.on('close', (code, reason) => res({ code, reason: String(reason) })));
  return {
    ws,
    received,
    closed,
    next() {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message arrived')), WAIT_MS);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
    close() {
      ws.close();
      return closed;
    },
  };
}

/** Opens a socket and resolves once it is open (rejects with the HTTP status when refused). */
export function openSocket(url: string, opts: WebSocket.ClientOptions = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    const client = collect(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

/** A user's notification socket on a running app (`baseUrl` is its http:// address). */
export function notificationsSocket(baseUrl: string, accessToken: string, query = ''): Promise<WsClient> {
  return openSocket(`${baseUrl.replace(/^http/, 'ws')}/api/notifications/ws?token=${encodeURIComponent(accessToken)}${query}`);
}
