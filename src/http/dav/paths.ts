/**
 * The CalDAV URL space: `/dav/` (root), `/dav/principals/<user>/`, `/dav/calendars/<user>/` (home)
 * and `/dav/calendars/<user>/events/` (the one calendar) holding `<name>` objects; any other path
 * below the home is a plain WebDAV file or folder.
 */
import { DavError } from './errors.js';

export type DavTarget =
  | { kind: 'root' }
  | { kind: 'principals' }
  | { kind: 'principal'; user: string }
  | { kind: 'home'; user: string }
  | { kind: 'collection'; user: string }
  | { kind: 'object'; user: string; name: string }
  /** A plain WebDAV file or folder below the home, outside the calendar (segments decoded). */
  | { kind: 'file'; user: string; segs: string[]; trailing: boolean }
  | { kind: 'unknown' };

export const COLLECTION = 'events';
/** Longest resource name accepted (decoded). */
export const MAX_NAME = 255;

/** Characters left as they are in a path segment (RFC 3986 pchar); everything else is percent-encoded. */
export function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/%(21|24|26|27|28|29|2A|2B|2C|3B|3D|3A|40)/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function decode(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    throw new DavError(400, 'Malformed percent-encoding in the path');
  }
}

export const href = {
  root: () => '/dav/',
  principals: () => '/dav/principals/',
  principal: (u: string) => `/dav/principals/${encodeSegment(u)}/`,
  home: (u: string) => `/dav/calendars/${encodeSegment(u)}/`,
  collection: (u: string) => `/dav/calendars/${encodeSegment(u)}/${COLLECTION}/`,
  file: (u: string, segs: string[], collection: boolean) => `/dav/calendars/${encodeSegment(u)}/${segs.map(encodeSegment).join('/')}${collection ? '/' : ''}`,
  object: (u: string, name: string) => `/dav/calendars/${encodeSegment(u)}/${COLLECTION}/${encodeSegment(name)}`,
};

/** The target of a request path (query string and #fragment removed). Throws 400 for malformed encodings. */
export function parseDavPath(rawPath: string): DavTarget {
  const path = rawPath.split('?')[0].split('#')[0];
  if (!path.startsWith('/dav')) return { kind: 'unknown' };
  const rest = path.slice(4);
  if (rest === '' || rest === '/') return { kind: 'root' };
  if (!rest.startsWith('/')) return { kind: 'unknown' };
  const raw = rest.slice(1).split('/');
  const trailing = raw[raw.length - 1] === '';
  const segs = (trailing ? raw.slice(0, -1) : raw).map(decode);
  // A decoded object name may hold a '/' (UIDs can); no other segment may.
  if (segs.some((s, i) => s === '' || s === '.' || s === '..' || (i < segs.length - 1 && s.includes('/')))) return { kind: 'unknown' };
  if (segs[0] === 'principals') {
    if (segs.length === 1) return { kind: 'principals' };
    if (segs.length === 2) return { kind: 'principal', user: segs[1] };
  }
  if (segs[0] === 'calendars') {
    if (segs.length === 2) return { kind: 'home', user: segs[1] };
    if (segs.length === 3 && segs[2] === COLLECTION) return { kind: 'collection', user: segs[1] };
    if (segs.length === 4 && segs[2] === COLLECTION && !trailing) {
      if (segs[3].length > MAX_NAME) throw new DavError(400, 'Resource name too long');
      return { kind: 'object', user: segs[1], name: segs[3] };
    }
    if (segs.length >= 3 && segs[2] !== COLLECTION) return { kind: 'file', user: segs[1], segs: segs.slice(2), trailing };
  }
  return { kind: 'unknown' };
}

/** The path of an href a client sent (absolute URL or absolute path), or null when it is not one of ours. */
export function hrefPath(h: string): string | null {
  const t = h.trim();
  if (t.startsWith('/')) return t;
  try {
    return new URL(t).pathname;
  } catch {
    return null;
  }
}
