import { validationError, type FieldError } from './errors.js';
import { DAY_MS } from './limits.js';
import { parseTimestamp } from './time.js';

/** Validates a window given as two RFC 3339 strings; `required` when expansion needs both. */
export function parseWindow(start: string | undefined, end: string | undefined, required: boolean, maxMs: number | null) {
  const errors: FieldError[] = [];
  const ws = start === undefined ? undefined : parseTimestamp(start);
  const we = end === undefined ? undefined : parseTimestamp(end);
  if (ws === null) errors.push({ field: 'start_time', message: 'must be an RFC 3339 timestamp' });
  if (we === null) errors.push({ field: 'end_time', message: 'must be an RFC 3339 timestamp' });
  if (required && start === undefined) errors.push({ field: 'start_time', message: 'is required' });
  if (required && end === undefined) errors.push({ field: 'end_time', message: 'is required' });
  if (typeof ws === 'number' && typeof we === 'number') {
    if (we <= ws) errors.push({ field: 'end_time', message: 'must be after start_time' });
    else if (maxMs !== null && we - ws > maxMs) errors.push({ field: 'end_time', message: `the window may span at most ${Math.round(maxMs / DAY_MS)} days` });
  }
  if (errors.length) throw validationError(errors);
  return { ws: ws ?? undefined, we: we ?? undefined };
}
