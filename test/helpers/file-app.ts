import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp, type TestUser } from './app.js';

/**
 * A stand-in for a value made later (in `beforeAll`): every property read is forwarded to it, so
 * a test file can name its app and users at the top and use them as plain objects in its tests.
 */
function standIn<T extends object>(what: string, get: () => T | undefined): T {
  const real = () => {
    const v = get();
    if (!v) throw new Error(`${what} is used before the file's beforeAll has run`);
    return v;
  };
  return new Proxy({} as T, {
    get: (_t, key) => {
      const v = real() as Record<string | symbol, unknown>;
      const value = v[key];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(v) : value;
    },
    set: (_t, key, value) => Reflect.set(real(), key, value),
    has: (_t, key) => key in real(),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), key);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}

/**
 * The set-up most integration files share: one app on a fresh database for the file (started
 * before its tests, closed after them) and one registered user per prefix, in order.
 *
 *     const { t, users: [owner, editor] } = appForFile({ users: ['own', 'edi'] });
 */
export function appForFile(opts: { users?: string[]; env?: Record<string, string>; listen?: boolean } = {}): { t: TestApp; users: TestUser[] } {
  let app: TestApp | undefined;
  const made: (TestUser | undefined)[] = (opts.users ?? []).map(() => undefined);
  beforeAll(async () => {
    app = await startTestApp(opts.env);
    if (opts.listen) await app.listen();
    // One after another, so user ids follow the order of the prefixes.
    for (const [i, p] of (opts.users ?? []).entries()) made[i] = await app.user(p);
  });
  afterAll(async () => app?.close());
  return {
    t: standIn('the test app', () => app),
    users: made.map((_, i) => standIn(`user ${opts.users![i]}`, () => made[i])),
  };
}
