import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

/** Everything the process is configured with; read once from the environment and frozen. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rateLimitAuthPerMinute: number;
  rateLimitUserPerMinute: number;
  /** Fastify's `trustProxy`: false, a number of trusted hops, or a list of proxy addresses/CIDRs. */
  trustProxy: false | number | string[];
  corsOrigins: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  cacheEnabled: boolean;
  /** A login session ends this long after login, whatever its refreshes. */
  sessionMaxAgeSeconds: number;
  /** When set, `/metrics` needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** Public origin for absolute links (feed addresses), e.g. https://cal.example.com; null: from the request. */
  publicUrl: string | null;
}

/** Shortest signing secret accepted (HS256 wants at least 256 bits). */
export const MIN_SECRET_BYTES = 32;

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  }
  return raw.trim();
}

/**
 * Creates the data folder readable by the service's user only (and tightens an existing one). A
 * shared folder (world-writable, like /tmp) is refused rather than tightened: closing it to others
 * would break every other program that uses it, and a secret kept there is not private anyway.
 */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (statSync(dataDir).mode & 0o002) {
    throw new ConfigError(`DATA_DIR ${dataDir} is a shared folder (writable by everyone); name a folder of the service's own, e.g. ./data`);
  }
  chmodSync(dataDir, 0o700);
}

/**
 * `TRUST_PROXY`: false (default), true (= 1 hop), a number of trusted hops, or a comma-separated
 * list of proxy addresses or CIDRs. Never Fastify's `true`, which trusts every hop and so takes the
 * client's own leftmost X-Forwarded-For entry.
 */
function trustProxy(env: NodeJS.ProcessEnv): Config['trustProxy'] {
  const raw = env.TRUST_PROXY?.trim() ?? '';
  const v = raw.toLowerCase();
  if (v === '' || ['0', 'false', 'no', 'off'].includes(v)) return false;
  if (['true', 'yes', 'on'].includes(v)) return 1;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 32) throw new ConfigError(`TRUST_PROXY must be at most 32 hops, got ${n}`);
    return n;
  }
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of list) {
    if (!isAddressOrCidr(entry)) throw new ConfigError(`TRUST_PROXY must be true/false, a number of hops or a list of addresses/CIDRs, got "${entry}"`);
  }
  return list;
}

function isAddressOrCidr(s: string): boolean {
  const [addr, bits, more] = s.split('/');
  if (more !== undefined) return false;
  const v = isIP(addr);
  if (!v) return false;
  if (bits === undefined) return true;
  if (!/^\d+$/.test(bits)) return false;
  return Number(bits) <= (v === 4 ? 32 : 128);
}

/** Reads the generated secret from the data folder, creating it on first start (embedded mode only). */
function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      throw new ConfigError(`the JWT secret file ${file} must hold at least ${MIN_SECRET_BYTES} bytes (delete it to generate a new one, or set JWT_SECRET)`);
    }
    return secret;
  }
  ensureDataDir(dataDir);
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}

/**
 * Reads and validates the configuration from an environment object.
 * Throws ConfigError (one line naming the variable) on a bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  let jwtSecret = env.JWT_SECRET?.trim() ?? '';
  if (jwtSecret && Buffer.byteLength(jwtSecret) < MIN_SECRET_BYTES) throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  if (!jwtSecret) {
    if (databaseUrl) throw new ConfigError('JWT_SECRET is required when DATABASE_URL is set');
    jwtSecret = embeddedSecret(dataDir);
  }
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS has an invalid origin "${origin}" (use scheme://host[:port], comma-separated)`);
    }
  }
  const host = env.HOST?.trim() || '0.0.0.0';
  return Object.freeze({
    port: int(env, 'PORT', 8000, 0, 65535),
    host,
    dataDir,
    databaseUrl,
    redisUrl,
    jwtSecret,
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 1, 86400),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 1_209_600, 60, 31_536_000),
    rateLimitAuthPerMinute: int(env, 'RATE_LIMIT_AUTH_PER_MINUTE', 5, 1, 1_000_000),
    rateLimitUserPerMinute: int(env, 'RATE_LIMIT_USER_PER_MINUTE', 100, 1, 1_000_000),
    trustProxy: trustProxy(env),
    corsOrigins,
    logLevel,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    cacheEnabled: bool(env, 'CACHE_ENABLED', true),
    sessionMaxAgeSeconds: int(env, 'SESSION_MAX_AGE_SECONDS', 2_592_000, 60, 315_360_000),
    metricsToken: env.METRICS_TOKEN?.trim() || null,
    publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, '') ?? null,
  });
}
