import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** One envelope answer written straight to a socket, for errors found before Fastify has a request. */
function writeEnvelope(socket: Socket, message: string) {
  const body = JSON.stringify({ detail: { code: 'BAD_REQUEST', message } });
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

const MESSAGES: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'Request headers are too large',
  HPE_INVALID_METHOD: 'Unknown request method',
  HPE_INVALID_URL: 'Malformed request target',
  HPE_INVALID_VERSION: 'Unsupported HTTP version',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Conflicting Content-Length and Transfer-Encoding',
  HPE_INVALID_CONTENT_LENGTH: 'Invalid Content-Length',
  HPE_INVALID_TRANSFER_ENCODING: 'Invalid Transfer-Encoding',
  HPE_INVALID_CHUNK_SIZE: 'Invalid chunked encoding',
};

/**
 * Fastify's `clientErrorHandler`: a request the HTTP parser cannot read (broken request line,
 * invalid header bytes, smuggling-shaped framing, oversized head) still gets the envelope, then
 * the connection closes. A connection that is already gone is just released.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  writeEnvelope(socket, MESSAGES[err.code ?? ''] ?? 'Malformed HTTP request');
}

/**
 * Requests the router never sees: `CONNECT` (Node hands it to a 'connect' listener, or drops the
 * socket) and HTTP/1.1 without `Host` (refused here with the envelope instead of Node's bare 400,
 * which the server option `requireHostHeader: false` turns off).
 */
export function guardWire(app: FastifyInstance) {
  app.server.on('connect', (_req, socket: Socket) => writeEnvelope(socket, 'CONNECT is not supported'));
  app.addHook('onRequest', async (req, reply) => {
    if (req.raw.httpVersion === '1.1' && !req.headers.host) {
      return reply.status(400).send({ detail: { code: 'BAD_REQUEST', message: 'HTTP/1.1 requests need a Host header' } });
    }
  });
}
