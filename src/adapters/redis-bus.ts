import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LocalDispatcher, type Bus } from './bus.js';
import { isReady } from './redis.js';

const CHANNEL = 'tandem:bus';

/**
 * The domain-event bus across instances: a publish is delivered to this instance's subscribers
 * at once and to every other instance through Redis pub/sub. While Redis is away, local delivery
 * goes on and `healthy()` turns false (callers then avoid caches that depend on remote invalidation).
 */
export function createRedisBus(pub: Redis, sub: Redis, onError: (err: unknown) => void = () => undefined): Bus {
  const origin = randomUUID();
  const local = new LocalDispatcher(onError);
  // Commands fail fast while disconnected (no offline queue), so subscribe whenever the
  // connection becomes ready — at start-up and after every reconnect — not just once.
  const subscribe = () => void sub.subscribe(CHANNEL).catch(onError);
  if (isReady(sub)) subscribe();
  sub.on('ready', subscribe);
  sub.on('message', (channel: string, raw: string) => {
    if (channel !== CHANNEL) return;
    try {
      const msg = JSON.parse(raw) as { o: string; n: string; p: unknown };
      if (msg.o !== origin) local.dispatch(msg.n, msg.p);
    } catch (err) {
      onError(err);
    }
  });
  return {
    async publish(name, payload) {
      local.dispatch(name, payload);
      if (!isReady(pub)) return;
      try {
        await pub.publish(CHANNEL, JSON.stringify({ o: origin, n: name, p: payload }));
      } catch (err) {
        onError(err);
      }
    },
    subscribe: (name, handler) => local.subscribe(name, handler),
    healthy: () => isReady(pub) && isReady(sub),
    async close() {
      sub.disconnect();
      pub.disconnect();
    },
  };
}
