import { decode, encode } from '@msgpack/msgpack';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../domain/errors.js';

const MSGPACK_TYPES = ['application/x-msgpack', 'application/msgpack'];

function wantsMsgpack(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && MSGPACK_TYPES.some((t) => accept.includes(t));
}

/**
 * MessagePack in and out: bodies with a MessagePack Content-Type are decoded to the same objects as
 * JSON (then validated by the same schemas); a client that Accepts MessagePack gets the JSON
 * response re-encoded, so both formats always carry the same data.
 */
export const msgpackPlugin = fp(async (app: FastifyInstance) => {
  app.addContentTypeParser(MSGPACK_TYPES, { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      const value = decode(body as Buffer, { useBigInt64: false });
      done(null, normalise(value));
    } catch {
      done(new AppError('BAD_REQUEST', 'Request body is not valid MessagePack'), undefined);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!wantsMsgpack(request) || typeof payload !== 'string') return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('application/json')) return payload;
    reply.header('content-type', 'application/x-msgpack');
    reply.removeHeader('content-length');
    return Buffer.from(encode(JSON.parse(payload)));
  });
});

/** MessagePack can carry binary, dates and maps JSON cannot; reduce to JSON's vocabulary. */
function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Map) return normalise(Object.fromEntries(value));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v);
    return out;
  }
  return value;
}
