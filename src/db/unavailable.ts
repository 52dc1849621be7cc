/*
 * Which driver errors mean "the database cannot be reached right now" (answered 503 with
 * Retry-After, and the request may be retried) rather than a bug (500). pg reports socket errors by
 * errno, server shutdowns and connection failures by SQLSTATE (class 08, 57P01–57P03, 53300), and
 * pool or protocol failures by message only; better-sqlite3 reports busy, locked, read-only or
 * unopenable files by SQLITE_* code.
 */
const ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const SQLSTATE = new Set(['57P01', '57P02', '57P03', '53300']);
const SQLITE_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_PROTOCOL'];
const MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection refused|cannot use a pool after calling end|client has encountered a connection error|terminating connection/i;

/** Whether an error thrown by the database layer means the database is unreachable or unavailable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (ERRNO.has(code) || SQLSTATE.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  if (SQLITE_PREFIXES.some((p) => code.startsWith(p))) return true;
  // Node wraps a refused dual-stack connect in an AggregateError of per-address errors.
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true;
  return typeof e.message === 'string' && !code && MESSAGES.test(e.message);
}
