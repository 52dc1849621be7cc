import { Redis } from 'ioredis';

/**
 * A Redis connection that fails fast while Redis is away (no offline queue, one retry) and keeps
 * reconnecting in the background, so requests degrade instead of hanging.
 */
export function connectRedis(url: string, onError: (err: unknown) => void = () => undefined): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: () => 500,
    lazyConnect: false,
  });
  client.on('error', onError);
  return client;
}

export function isReady(client: Redis): boolean {
  return client.status === 'ready';
}

/** Resolves once the client is ready (or after `ms` either way). */
export async function waitReady(client: Redis, ms = 3000): Promise<void> {
  if (isReady(client)) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    client.once('ready', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
