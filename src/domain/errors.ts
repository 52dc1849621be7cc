/** The closed set of error codes of the API, each with its HTTP status. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type: thrown anywhere, turned into the `{detail: {code, message, ...}}` envelope. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

/** Most problems one validation error lists; the rest are cut and `errors_truncated` says so. */
export const MAX_LISTED_ERRORS = 20;

/** What the audit trail records of a request's result: never a driver's or library's own code. */
export type AuditOutcome = 'ok' | 'denied' | 'invalid' | 'error';

/** The audit outcome of an HTTP status: 2xx ok; 401/403/404/429 denied; other 4xx invalid; 5xx error. */
export function outcomeOfStatus(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if ([401, 403, 404, 429].includes(status)) return 'denied';
  if (status < 500) return 'invalid';
  return 'error';
}

/** The audit outcome and error code of a thrown error (anything not an AppError is an `error`). */
export function outcomeOfError(err: unknown): { outcome: AuditOutcome; code: ErrorCode } {
  if (err instanceof AppError) return { outcome: outcomeOfStatus(err.status), code: err.code };
  return { outcome: 'error', code: 'INTERNAL_ERROR' };
}

/** A 400 naming each bad field. */
export function validationError(errors: FieldError[], message = 'Request validation failed'): AppError {
  return new AppError('VALIDATION_ERROR', message, { errors });
}

export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') => new AppError('FORBIDDEN', message);
export const unauthorized = (message = 'Authentication required') => new AppError('UNAUTHORIZED', message);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new AppError('CONFLICT', message, extra);
