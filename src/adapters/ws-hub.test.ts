import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openSocket as open } from '../../test/helpers/ws-client.js';
import type { Notification } from '../domain/notification.js';
import { createLocalBus } from './bus.js';
import { createWsHub } from './ws-hub.js';

// The hub alone on a bare WebSocket server: liveness pings, dead peers and slow readers.
describe('ws hub', () => {
  async function hubServer(opts: Parameters<typeof createWsHub>[1]) {
    const bus = createLocalBus();
    const hub = createWsHub({ bus, replay: async () => [] }, opts);
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    let userId = 0;
    wss.on('connection', (socket) => void hub.attach(socket, { userId: ++userId, sessionId: `s${userId}`, exp: Date.now() / 1000 + 600 }));
    await new Promise((r) => wss.once('listening', r));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    return {
      bus, hub, url,
      async close() {
        hub.close();
        for (const c of wss.clients) c.terminate();
        await new Promise((r) => wss.close(r));
      },
    };
  }

  it('drops a peer that does not answer pings', async () => {
    const s = await hubServer({ pingIntervalMs: 50 });
    try {
      const c = await open(s.url, { autoPong: false });
      const { code } = await c.closed;
      expect(code).toBe(1006);
      expect(s.hub.size()).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('keeps a peer that answers pings', async () => {
    // A generous interval: the pong must be back before the next ping, even on a loaded machine.
    const s = await hubServer({ pingIntervalMs: 750 });
    try {
      const c = await open(s.url);
      let pings = 0;
      const answered = new Promise<void>((resolve) => c.ws.on('ping', () => ++pings >= 3 && resolve()));
      const dropped = c.closed.then(({ code }) => `dropped after ${pings} pings (close ${code})`);
      expect(await Promise.race([answered.then(() => 'kept'), dropped])).toBe('kept');
      expect(s.hub.size()).toBe(1);
      c.ws.close();
      await c.closed;
    } finally {
      await s.close();
    }
  });

  it('drops a slow reader instead of buffering without bound', async () => {
    const s = await hubServer({ maxBufferedBytes: 64 * 1024 });
    try {
      const c = await open(s.url);
      (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const big = 'x'.repeat(256 * 1024);
      const n: Notification = { id: 1, type: 'event_updated', event_id: 1, actor_id: 2, message: big, data: {}, created_at: new Date().toISOString() };
      for (let i = 0; i < 100 && s.hub.size() > 0; i++) {
        await s.bus.publish('notifications.created', { items: [{ user_id: 1, notification: { ...n, id: i + 1 } }] });
      }
      expect(s.hub.size()).toBe(0);
      c.ws.terminate();
    } finally {
      await s.close();
    }
  });
});
