/** Epoch milliseconds as RFC 3339 UTC with `Z`, without milliseconds when they are zero. */
export function iso(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? s.slice(0, -5) + 'Z' : s;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp with an offset or `Z` into epoch ms; null when malformed. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const ms = Date.parse(value.replace(' ', 'T'));
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March: reject dates whose fields do not survive.
  const [y, mo, d] = value.slice(0, 10).split('-').map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCDate() !== d) return null;
  return ms;
}
