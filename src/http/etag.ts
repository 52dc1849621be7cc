import type { FastifyReply, FastifyRequest } from 'fastify';
import { validationError } from '../domain/errors.js';

/**
 * The version an If-Match header names (`"v7-…"`, `"7"`, `W/"v7"`), undefined when absent or `*`.
 * A malformed header is a 400, not a silent pass.
 */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const raw = request.headers['if-match'];
  if (raw === undefined) return undefined;
  const value = String(raw).trim();
  if (value === '*') return undefined;
  const m = /^(?:W\/)?"v?(\d{1,9})(?:-[0-9a-f]{1,40})?"$/.exec(value);
  if (!m) throw validationError([{ field: 'If-Match', message: 'must be an ETag returned by this API' }]);
  return Number(m[1]);
}

/** 304 when If-None-Match already names this representation. */
export function notModified(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  const inm = request.headers['if-none-match'];
  if (typeof inm !== 'string') return false;
  const tags = inm.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes(etag) || tags.includes('*')) {
    reply.header('etag', etag).status(304).send();
    return true;
  }
  return false;
}
