import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { AppError, MAX_LISTED_ERRORS, type FieldError } from '../../domain/errors.js';
import { safeError } from './safe-error.js';

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/events/3/end_time` → `events[3].end_time`; the query string's `/limit` → `limit`. */
export function toFieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  let out = '';
  for (const p of parts) {
    const key = p.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out ? `.${key}` : key;
  }
  return out;
}

/** Marks a validator's issue list as cut short (the validator stopped early); see validator.ts. */
export const TRUNCATED_KEYWORD = 'tandem:truncated';

/** Ajv's issues as `{field, message}`, one per bad field, in a client's vocabulary. */
export function fieldErrors(issues: AjvIssue[]): FieldError[] & { truncated?: boolean } {
  const seen = new Set<string>();
  const out: FieldError[] & { truncated?: boolean } = [];
  for (const issue of issues) {
    if (issue.keyword === TRUNCATED_KEYWORD) {
      out.truncated = true;
      continue;
    }
    let field: string;
    let message: string;
    const params = issue.params ?? {};
    if (issue.keyword === 'additionalProperties') {
      field = toFieldPath(issue.instancePath ?? '', String(params.additionalProperty));
      message = 'unknown or read-only field';
    } else if (issue.keyword === 'required') {
      field = toFieldPath(issue.instancePath ?? '', String(params.missingProperty));
      message = 'is required';
    } else {
      field = toFieldPath(issue.instancePath ?? '');
      message = issue.message ?? 'is invalid';
    }
    // anyOf/oneOf produce one issue per branch: keep the first per field.
    if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf') continue;
    // One message per field: a nullable field fails both its branches; the first says most.
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field: field || 'body', message });
  }
  return out;
}

const FASTIFY_CODES: Record<string, { code: AppError['code']; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', message: 'Invalid Content-Length' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BAD_REQUEST', message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BAD_REQUEST', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'BAD_REQUEST', message: 'Invalid Content-Type' },
};

/** The code for a library error's 4xx status; statuses the API does not use become 400 BAD_REQUEST. */
const CLIENT_CODES: Record<number, AppError['code']> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 410: 'GONE', 412: 'PRECONDITION_FAILED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Sends an AppError in the envelope; a list of problems is cut at MAX_LISTED_ERRORS. */
export function sendAppError(reply: import('fastify').FastifyReply, err: AppError) {
  const detail: Record<string, unknown> = { code: err.code, message: err.message, ...err.extra };
  const list = detail.errors;
  if (Array.isArray(list) && (list.length > MAX_LISTED_ERRORS || (list as { truncated?: boolean }).truncated || detail.errors_truncated)) {
    detail.errors = list.slice(0, MAX_LISTED_ERRORS);
    detail.errors_truncated = true;
  }
  if (err.code === 'SERVICE_UNAVAILABLE') reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (err.code === 'RATE_LIMIT_EXCEEDED' && typeof detail.retry_after === 'number') reply.header('retry-after', String(detail.retry_after));
  return reply.status(err.status).send({ detail });
}

/** What a client is told to wait when the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/** The database is unreachable: 503 with Retry-After, never a 500 with the driver's words. */
export const databaseUnavailable = () => new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly');

/**
 * One error handler for the whole app: every failure leaves as `{detail: {code, message, ...}}`;
 * anything unexpected is logged with the request id and answered with a bare 500.
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) return sendAppError(reply, error);
    const fe = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
    if (fe.validation) {
      return sendAppError(reply, new AppError('VALIDATION_ERROR', 'Request validation failed', { errors: fieldErrors(fe.validation) }));
    }
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return sendAppError(reply, new AppError(mapped.code, mapped.message));
    if (fe instanceof SyntaxError || fe.statusCode === 400) {
      return sendAppError(reply, new AppError('BAD_REQUEST', 'Malformed request'));
    }
    if (fe.statusCode === 429) {
      return reply.status(429).send({ detail: { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests' } });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ error: safeError(error), reqId: request.id }, 'database unavailable');
      return sendAppError(reply, databaseUnavailable());
    }
    // A library's own client error (e.g. the static file server refusing `../`): its status, our envelope.
    const status = fe.statusCode ?? (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = CLIENT_CODES[status] ?? 'BAD_REQUEST';
      return sendAppError(reply, new AppError(code, code === 'BAD_REQUEST' ? 'Malformed request' : code === 'NOT_FOUND' ? 'Not found' : 'Request refused'));
    }
    request.log.error({ error: safeError(error), reqId: request.id }, 'unhandled error');
    return reply.status(500).send({ detail: { code: 'INTERNAL_ERROR', message: 'Internal server error', request_id: request.id } });
  });

  app.setNotFoundHandler((request, reply) => {
    return sendAppError(reply, new AppError('NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });
});
