import { sql } from 'kysely';
import type { Db, DavFilesTable } from '../db/types.js';
import type { Insertable, Selectable } from 'kysely';

export type DavFileRow = Selectable<DavFilesTable>;
/** A row without its content (listings, PROPFIND). */
export type DavFileMeta = Omit<DavFileRow, 'content'>;
export interface DavPropRow {
  file_id: number;
  ns: string;
  name: string;
  value: string;
}

const META = ['id', 'user_id', 'path', 'parent', 'is_collection', 'content_type', 'size', 'etag', 'created_at', 'updated_at'] as const;
const CHUNK = 500;

const norm = <T extends { id: number; user_id: number; size: number; is_collection: number }>(r: T): T => ({
  ...r, id: Number(r.id), user_id: Number(r.user_id), size: Number(r.size), is_collection: Number(r.is_collection),
});

/** Rows at `path` or below it (`path/...`): the prefix compared with substr so no LIKE escaping is needed. */
const inSubtree = (path: string) => sql<boolean>`(path = ${path} or substr(path, 1, ${path.length + 1}) = ${path + '/'})`;

export const davFilesRepository = {
  async meta(db: Db, userId: number, path: string): Promise<DavFileMeta | null> {
    const r = await db.selectFrom('dav_files').select(META).where('user_id', '=', userId).where('path', '=', path).executeTakeFirst();
    return r ? norm(r) : null;
  },

  async withContent(db: Db, userId: number, path: string): Promise<DavFileRow | null> {
    const r = await db.selectFrom('dav_files').selectAll().where('user_id', '=', userId).where('path', '=', path).executeTakeFirst();
    return r ? norm(r) : null;
  },

  /** The entries directly inside a collection, by path. */
  async children(db: Db, userId: number, parent: string, limit: number): Promise<DavFileMeta[]> {
    const rows = await db.selectFrom('dav_files').select(META).where('user_id', '=', userId).where('parent', '=', parent).orderBy('path').limit(limit).execute();
    return rows.map(norm);
  },

  /** The entry at `path` and everything below it, shallowest first (with content, for COPY). */
  async subtree(db: Db, userId: number, path: string): Promise<DavFileRow[]> {
    const rows = await db.selectFrom('dav_files').selectAll().where('user_id', '=', userId).where(inSubtree(path)).orderBy('path').execute();
    return rows.map(norm).sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  },

  /** How many entries and content bytes the user stores. */
  async usage(db: Db, userId: number): Promise<{ count: number; bytes: number }> {
    const r = await db.selectFrom('dav_files').where('user_id', '=', userId)
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.coalesce(eb.fn.sum('size'), sql`0`).as('b')]).executeTakeFirst();
    return { count: Number(r?.n ?? 0), bytes: Number(r?.b ?? 0) };
  },

  async insert(db: Db, row: Insertable<DavFilesTable>): Promise<number> {
    const r = await db.insertInto('dav_files').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  },

  async replaceContent(db: Db, id: number, v: { content: Buffer; content_type: string | null; size: number; etag: string; updated_at: number }): Promise<void> {
    await db.updateTable('dav_files').set(v).where('id', '=', id).execute();
  },

  async relocate(db: Db, id: number, path: string, parent: string, at: number): Promise<void> {
    await db.updateTable('dav_files').set({ path, parent, updated_at: at }).where('id', '=', id).execute();
  },

  /** Removes the entry at `path` and everything below it (their properties with them). */
  async removeSubtree(db: Db, userId: number, path: string): Promise<number> {
    const ids = (await db.selectFrom('dav_files').select('id').where('user_id', '=', userId).where(inSubtree(path)).execute()).map((r) => Number(r.id));
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      await db.deleteFrom('dav_file_props').where('file_id', 'in', part).execute();
      await db.deleteFrom('dav_files').where('id', 'in', part).execute();
    }
    return ids.length;
  },

  /** The dead properties of these entries, by entry id. */
  async props(db: Db, fileIds: number[]): Promise<Map<number, DavPropRow[]>> {
    const out = new Map<number, DavPropRow[]>();
    for (let i = 0; i < fileIds.length; i += CHUNK) {
      const rows = await db.selectFrom('dav_file_props').selectAll().where('file_id', 'in', fileIds.slice(i, i + CHUNK)).orderBy('ns').orderBy('name').execute();
      for (const r of rows) {
        const id = Number(r.file_id);
        if (!out.has(id)) out.set(id, []);
        out.get(id)!.push({ ...r, file_id: id });
      }
    }
    return out;
  },

  /** Sets an entry's dead properties to exactly this list. */
  async replaceProps(db: Db, fileId: number, props: { ns: string; name: string; value: string }[]): Promise<void> {
    await db.deleteFrom('dav_file_props').where('file_id', '=', fileId).execute();
    if (props.length) await db.insertInto('dav_file_props').values(props.map((p) => ({ file_id: fileId, ...p }))).execute();
  },
};
