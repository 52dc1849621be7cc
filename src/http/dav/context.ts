import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import type { BasicPrincipal } from '../../services/basic-auth.service.js';
import { DavError } from './errors.js';
import type { DavTarget } from './paths.js';
import { parseXml, XmlError, type XmlEl } from './xml.js';

declare module 'fastify' {
  interface FastifyRequest {
    davUser: BasicPrincipal | null;
  }
}

/** What a DAV handler works with: the container, the authenticated user and the resolved target. */
export interface DavCtx {
  c: Container;
  req: FastifyRequest;
  reply: FastifyReply;
  user: BasicPrincipal;
  target: DavTarget;
}

/** The request body as text ('' when there is none). */
export function bodyText(req: FastifyRequest): string {
  const b = req.body;
  if (typeof b === 'string') return b;
  if (Buffer.isBuffer(b)) return b.toString('utf8');
  return '';
}

/** The XML body's root, or null for an empty body; malformed XML → 400 with a DAV error body. */
export function xmlBody(req: FastifyRequest): XmlEl | null {
  const text = bodyText(req);
  if (!text.trim()) return null;
  try {
    return parseXml(text);
  } catch (err) {
    if (err instanceof XmlError) throw new DavError(400, `Malformed XML body: ${err.message}`);
    throw err;
  }
}

/** The Depth header: 0, 1 or infinity; absent → `dflt`; anything else → 400. */
export function depthOf(req: FastifyRequest, dflt: '0' | '1' | 'infinity'): '0' | '1' | 'infinity' {
  const raw = req.headers.depth;
  if (raw === undefined) return dflt;
  const v = String(raw).trim().toLowerCase();
  if (v === '0' || v === '1' || v === 'infinity') return v;
  throw new DavError(400, 'Depth must be 0, 1 or infinity');
}

/** Sends a 207 multistatus body. */
export function sendMultistatus(reply: FastifyReply, xml: string) {
  return reply.status(207).header('content-type', 'application/xml; charset=utf-8').send(xml);
}
