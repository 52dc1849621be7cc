/**
 * Sending hostile requests over both paths the suite uses: `app.inject` and real sockets (a share
 * through node:http, malformed request lines through raw TCP), and checking an answer's envelope.
 */
import { decode } from '@msgpack/msgpack';
import http from 'node:http';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ERROR_STATUS } from '../../src/domain/errors.js';
import type { HostileRequest } from './hostile-requests.js';

export interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
  ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** Sends through `inject`, or over a real socket when the request asks for one. */
export async function send(app: FastifyInstance, base: string, r: HostileRequest): Promise<Answer> {
  const t0 = performance.now();
  if (!r.socket) {
    const res = await app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.payload });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.rawPayload, ms: performance.now() - t0 };
  }
  const u = new URL(base);
  // node:http refuses unescaped characters in a path: send them escaped (the server sees the same bytes a browser would send).
  const path = r.url.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method: r.method, path, headers: r.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.end(r.payload);
  });
}

/**
 * Writes raw bytes to the server and reads the first answer: until a complete response (by
 * Content-Length or the last chunk) arrived, the server closed, or 5 s passed. The socket is not
 * half-closed, so a slow answer is not cut off by our own FIN.
 */
export function sendRaw(base: string, bytes: string | Buffer): Promise<Answer & { raw: string }> {
  const u = new URL(base);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const s = net.connect(Number(u.port), u.hostname, () => s.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes));
    const parse = () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const headEnd = text.indexOf('\r\n\r\n');
      const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
      const contentType = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? '';
      let body = headEnd >= 0 ? raw.subarray(headEnd + 4) : Buffer.alloc(0);
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
      let complete = false;
      if (headEnd >= 0 && len !== undefined) { complete = body.length >= Number(len); body = body.subarray(0, Number(len)); }
      else if (headEnd >= 0 && /\r\ntransfer-encoding:\s*chunked/i.test(head)) complete = body.toString('latin1').includes('0\r\n\r\n');
      return { answer: { status, contentType, body, ms: performance.now() - t0, raw: text.slice(0, 400) }, complete };
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      s.destroy();
      resolve(parse().answer);
    };
    s.on('data', (c: Buffer) => { chunks.push(c); if (parse().complete) finish(); });
    s.on('close', finish);
    s.on('error', () => undefined);
    s.setTimeout(5000, finish);
  });
}

/** Why an error answer is not a proper envelope (code from the SPEC's list, status matching it), or null. */
export function envelopeProblem(a: Answer): string | null {
  let parsed: any;
  try {
    parsed = /msgpack/.test(a.contentType) ? decode(a.body) : JSON.parse(a.body.toString('utf8'));
  } catch {
    return `unparsable ${a.contentType || 'body'}: ${a.body.toString('utf8').slice(0, 120)}`;
  }
  const code = parsed?.detail?.code;
  if (typeof code !== 'string' || !(code in ERROR_STATUS)) return `no SPEC code in ${JSON.stringify(parsed).slice(0, 160)}`;
  if (typeof parsed.detail.message !== 'string') return 'no message';
  if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== a.status) return `code ${code} with status ${a.status}`;
  if (Array.isArray(parsed.detail.errors) && parsed.detail.errors.length > 20) return `${parsed.detail.errors.length} validation errors (at most 20)`;
  return null;
}

const LEAKS = [/\bat [\w.<>]+ \(.*:\d+:\d+\)/, /node_modules/, /SQLITE_/, /sqlite3?\b/i, /syntax error at/i, /violates .* constraint/i, /root:x:0:0/, /\/work\//, /\btsx?:\d+/];

/** A leak of internals (stack, SQL, driver codes, file contents) in an error body, or null. */
export function leakIn(a: Answer): string | null {
  const text = a.body.toString('utf8');
  for (const re of LEAKS) if (re.test(text)) return `${re} in ${text.slice(0, 160)}`;
  return null;
}
