import { createHash } from 'node:crypto';
import type { DbHandle } from '../db/connection.js';
import type { Database, Db } from '../db/types.js';
import type { Transaction } from 'kysely';
import { lockDavFiles } from '../db/locks.js';
import type { UnitOfWork } from './unit-of-work.js';
import { davFilesRepository as repo, type DavFileMeta, type DavFileRow, type DavPropRow } from '../repositories/dav-files.repository.js';

/** Bounds of the plain WebDAV store, per user (SPEC §11: every request's work is bounded). */
export const FILE_LIMITS = {
  /** Largest file content. */
  fileBytes: 1024 * 1024,
  /** Most files and collections one user stores. */
  entries: 1000,
  /** Most content bytes one user stores. */
  totalBytes: 16 * 1024 * 1024,
  /** Deepest path below the calendar home, in segments. */
  segments: 16,
  /** Longest path below the calendar home, in characters. */
  pathChars: 1024,
  /** Longest single segment. */
  segmentChars: 255,
  /** Most dead properties on one resource. */
  props: 32,
  /** Longest namespace or property name. */
  propName: 255,
  /** Largest stored property value (its JSON form). */
  propValue: 4096,
} as const;

/** A request the store refuses: the HTTP status (4xx or 507) and why. */
export class DavStoreError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type { DavFileMeta, DavFileRow, DavPropRow };

const etagOf = (content: Buffer) => `"${createHash('sha256').update(content).digest('base64url').slice(0, 22)}"`;
const join = (segs: string[]) => segs.join('/');

/** Checks a path's shape against the limits; returns it joined. */
export function checkPath(segs: string[]): string {
  if (!segs.length) throw new DavStoreError(403, 'The calendar home itself cannot be changed');
  // Path shape limits are bad input (414, the address is longer than served); storage quotas are 507.
  if (segs.length > FILE_LIMITS.segments) throw new DavStoreError(414, `Folders nest at most ${FILE_LIMITS.segments} levels deep`);
  for (const s of segs) {
    if (!s || s === '.' || s === '..' || s.includes('/')) throw new DavStoreError(400, 'Invalid path segment');
    if (s.length > FILE_LIMITS.segmentChars) throw new DavStoreError(414, `A name may be at most ${FILE_LIMITS.segmentChars} characters`);
    if (/[\u0000-\u001f\u007f]/.test(s)) throw new DavStoreError(400, 'Control characters are not allowed in names');
  }
  const path = join(segs);
  if (path.length > FILE_LIMITS.pathChars) throw new DavStoreError(414, `A path may be at most ${FILE_LIMITS.pathChars} characters`);
  return path;
}

/** A dead-property change of a PROPPATCH, in document order. */
export interface PropOp {
  set: boolean;
  ns: string;
  name: string;
  /** The value's stored (JSON) form; '' for a remove. */
  value: string;
}

/**
 * Plain WebDAV files and folders under a user's calendar home (RFC 4918 class 1), so generic
 * WebDAV clients (and litmus) work next to the calendar: every entry belongs to one user, every
 * write runs in one transaction and stays within FILE_LIMITS.
 */
export function createDavFilesService(deps: { handle: DbHandle; write: UnitOfWork; now?: () => number }) {
  const { db, dialect } = deps.handle;
  const { write } = deps;
  const now = deps.now ?? Date.now;

  /** One write to the user's store: through the unit of work, holding the user's store lock. */
  function writing<T>(userId: number, f: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return write(userId, {}, async ({ trx }) => {
      await lockDavFiles(trx, dialect, userId);
      return f(trx);
    });
  }

  /** The parent of `segs` must exist and be a collection (else 409, RFC 4918 §9.7.1 / §9.3.1). */
  async function requireParent(trx: Db, userId: number, segs: string[]) {
    if (segs.length === 1) return;
    const p = await repo.meta(trx, userId, join(segs.slice(0, -1)));
    if (!p || !p.is_collection) throw new DavStoreError(409, 'The parent collection does not exist');
  }

  async function requireRoom(trx: Db, userId: number, entries: number, bytes: number) {
    const u = await repo.usage(trx, userId);
    if (u.count + entries > FILE_LIMITS.entries) throw new DavStoreError(507, `At most ${FILE_LIMITS.entries} files and folders per user`);
    if (u.bytes + bytes > FILE_LIMITS.totalBytes) throw new DavStoreError(507, `At most ${FILE_LIMITS.totalBytes} bytes of files per user`);
  }

  return {
    async stat(userId: number, segs: string[]): Promise<DavFileMeta | null> {
      return repo.meta(db, userId, checkPath(segs));
    },

    async read(userId: number, segs: string[]): Promise<DavFileRow | null> {
      return repo.withContent(db, userId, checkPath(segs));
    },

    /** The entries directly inside a collection ('' is the top of the home), at most FILE_LIMITS.entries. */
    async children(userId: number, segs: string[]): Promise<DavFileMeta[]> {
      return repo.children(db, userId, segs.length ? checkPath(segs) : '', FILE_LIMITS.entries);
    },

    async props(fileIds: number[]): Promise<Map<number, DavPropRow[]>> {
      return repo.props(db, fileIds);
    },

    /** PUT: creates or replaces a file. `ifMatch`/`ifNoneMatch` as sent (412 when they fail). */
    async put(userId: number, segs: string[], content: Buffer, contentType: string | null, cond: { ifMatch?: string; ifNoneMatch?: boolean } = {}) {
      const path = checkPath(segs);
      if (content.length > FILE_LIMITS.fileBytes) throw new DavStoreError(413, `A file may hold at most ${FILE_LIMITS.fileBytes} bytes`);
      const type = contentType ? contentType.trim().slice(0, 255) : null;
      return writing(userId, async (trx) => {
        const existing = await repo.meta(trx, userId, path);
        if (existing?.is_collection) throw new DavStoreError(405, 'A collection exists at this address');
        if (existing && cond.ifNoneMatch) throw new DavStoreError(412, 'A resource exists at this address');
        if (cond.ifMatch !== undefined && (!existing || (cond.ifMatch !== '*' && cond.ifMatch !== existing.etag))) throw new DavStoreError(412, 'The resource changed since you read it');
        const etag = etagOf(content);
        const at = now();
        if (existing) {
          await requireRoom(trx, userId, 0, content.length - existing.size);
          await repo.replaceContent(trx, existing.id, { content, content_type: type, size: content.length, etag, updated_at: at });
          return { created: false, etag };
        }
        await requireParent(trx, userId, segs);
        await requireRoom(trx, userId, 1, content.length);
        await repo.insert(trx, { user_id: userId, path, parent: join(segs.slice(0, -1)), is_collection: 0, content, content_type: type, size: content.length, etag, created_at: at, updated_at: at });
        return { created: true, etag };
      });
    },

    /** MKCOL (RFC 4918 §9.3): 405 when something exists there, 409 without a parent collection. */
    async mkcol(userId: number, segs: string[]): Promise<void> {
      const path = checkPath(segs);
      await writing(userId, async (trx) => {
        if (await repo.meta(trx, userId, path)) throw new DavStoreError(405, 'Something already exists at this address');
        await requireParent(trx, userId, segs);
        await requireRoom(trx, userId, 1, 0);
        const at = now();
        await repo.insert(trx, { user_id: userId, path, parent: join(segs.slice(0, -1)), is_collection: 1, content: null, content_type: null, size: 0, etag: `"c${at.toString(36)}"`, created_at: at, updated_at: at });
      });
    },

    /** DELETE of a file or a whole folder; false when nothing is there. */
    async remove(userId: number, segs: string[]): Promise<boolean> {
      const path = checkPath(segs);
      return writing(userId, async (trx) => (await repo.removeSubtree(trx, userId, path)) > 0);
    },

    /**
     * COPY or MOVE (RFC 4918 §9.8, §9.9) within the user's store. `overwrite` false → 412 when the
     * destination exists; a replaced destination is removed first. Depth 0 copies a collection without
     * its members. Returns whether the destination is new (201) or was replaced (204).
     */
    async transfer(userId: number, from: string[], to: string[], opts: { move: boolean; overwrite: boolean; shallow: boolean }): Promise<{ created: boolean }> {
      const src = checkPath(from);
      const dst = checkPath(to);
      if (src === dst) throw new DavStoreError(403, 'The source and the destination are the same');
      if (dst.startsWith(src + '/')) throw new DavStoreError(409, 'A collection cannot be copied or moved into itself');
      if (src.startsWith(dst + '/')) throw new DavStoreError(409, 'The destination is a folder that holds the source');
      return writing(userId, async (trx) => {
        const rows = await repo.subtree(trx, userId, src);
        if (!rows.length) throw new DavStoreError(404, 'No such resource');
        const existing = await repo.meta(trx, userId, dst);
        if (existing && !opts.overwrite) throw new DavStoreError(412, 'The destination exists and Overwrite is F');
        await requireParent(trx, userId, to);
        const moving = opts.shallow && !opts.move ? rows.slice(0, 1) : rows;
        const deepest = Math.max(...moving.map((r) => r.path.split('/').length - from.length));
        if (to.length + deepest > FILE_LIMITS.segments) throw new DavStoreError(414, `Folders nest at most ${FILE_LIMITS.segments} levels deep`);
        if (moving.some((r) => dst.length + r.path.length - src.length > FILE_LIMITS.pathChars)) throw new DavStoreError(414, `A path may be at most ${FILE_LIMITS.pathChars} characters`);
        if (existing) await repo.removeSubtree(trx, userId, dst);
        const at = now();
        const rename = (p: string) => dst + p.slice(src.length);
        const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
        if (opts.move) {
          for (const r of moving) await repo.relocate(trx, r.id, rename(r.path), parentOf(rename(r.path)), at);
          return { created: !existing };
        }
        await requireRoom(trx, userId, moving.length, moving.reduce((s, r) => s + r.size, 0));
        const props = await repo.props(trx, moving.map((r) => r.id));
        for (const r of moving) {
          const path = rename(r.path);
          const id = await repo.insert(trx, { ...r, id: undefined, path, parent: parentOf(path), created_at: at, updated_at: at });
          const list = props.get(r.id) ?? [];
          if (list.length) await repo.replaceProps(trx, id, list.map(({ ns, name, value }) => ({ ns, name, value })));
        }
        return { created: !existing };
      });
    },

    /**
     * PROPPATCH of dead properties, all or nothing: the operations apply in order; when any fails
     * nothing is stored. Returns the status of each property named (200, or 507 past the limits).
     */
    async proppatch(userId: number, segs: string[], ops: PropOp[]): Promise<{ ok: boolean; statuses: Map<string, number> }> {
      const path = checkPath(segs);
      return writing(userId, async (trx) => {
        const entry = await repo.meta(trx, userId, path);
        if (!entry) throw new DavStoreError(404, 'No such resource');
        const current = new Map(((await repo.props(trx, [entry.id])).get(entry.id) ?? []).map((p) => [`${p.ns}|${p.name}`, p]));
        const statuses = new Map<string, number>();
        for (const op of ops) {
          const key = `${op.ns}|${op.name}`;
          let code = 200;
          if (op.ns.length > FILE_LIMITS.propName || op.name.length > FILE_LIMITS.propName || op.value.length > FILE_LIMITS.propValue) code = 507;
          else if (op.set) current.set(key, { file_id: entry.id, ns: op.ns, name: op.name, value: op.value });
          else current.delete(key);
          if (code !== 200 || !statuses.has(key) || statuses.get(key) === 200) statuses.set(key, code);
        }
        if (current.size > FILE_LIMITS.props) {
          for (const op of ops) if (op.set) statuses.set(`${op.ns}|${op.name}`, 507);
        }
        const ok = [...statuses.values()].every((c) => c === 200);
        if (ok) await repo.replaceProps(trx, entry.id, [...current.values()].map(({ ns, name, value }) => ({ ns, name, value })));
        return { ok, statuses };
      });
    },
  };
}

export type DavFilesService = ReturnType<typeof createDavFilesService>;
