/**
 * Whether an error means "the database cannot be reached right now" (refused or dropped
 * connection, server shutting down or starting up) rather than a problem with the request, so
 * the caller answers 503 with Retry-After instead of 500 and the next request simply tries again.
 */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// PostgreSQL SQLSTATE class 08 (connection exception) and 57P0x (operator intervention: shutdown, starting up).
const PG_STATES = /^(08\d{3}|57P0[1-4])$/;
const MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended|the database system is (starting up|shutting down)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (NET_CODES.has(e.code) || PG_STATES.test(e.code))) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
    if (Array.isArray((e as { errors?: unknown }).errors)) return (e as { errors: unknown[] }).errors.some(isDatabaseUnavailable);
  }
  return false;
}
