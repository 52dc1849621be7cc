/**
 * What the logs may say about an unexpected error: its kind and code, never its message (driver
 * messages can quote SQL or values), its stack, or anything else it carries.
 */
export function safeError(err: unknown): { type: string; code?: string } {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; constructor?: { name?: string } };
    const type = typeof e.name === 'string' ? e.name : (e.constructor?.name ?? 'Error');
    return typeof e.code === 'string' || typeof e.code === 'number' ? { type, code: String(e.code).slice(0, 40) } : { type };
  }
  return { type: typeof err };
}
