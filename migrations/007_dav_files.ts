import { type Kysely, sql } from 'kysely';
import { bigintType, idType, isPostgres } from './helpers.js';

/*
 * Plain WebDAV folders under a user's calendar home (everything but the `events/` calendar): files
 * and collections, each with its dead properties. Paths are relative to the home, segments joined
 * with '/', `parent` the path of the enclosing collection ('' at the top), so a listing is one
 * indexed lookup. Frozen in time: never import application types here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = idType(db);
  const big = bigintType(db);
  const pk = (c: any) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement());
  const bytes = isPostgres(db) ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('dav_files')
    .addColumn('id', id, pk)
    .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('path', 'varchar(1024)', (c) => c.notNull())
    .addColumn('parent', 'varchar(1024)', (c) => c.notNull())
    .addColumn('is_collection', 'integer', (c) => c.notNull())
    .addColumn('content', bytes)
    .addColumn('content_type', 'varchar(255)')
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('etag', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addUniqueConstraint('dav_files_user_path_key', ['user_id', 'path'])
    .execute();
  await db.schema.createIndex('dav_files_parent_idx').on('dav_files').columns(['user_id', 'parent']).execute();

  await db.schema
    .createTable('dav_file_props')
    .addColumn('file_id', big, (c) => c.notNull().references('dav_files.id').onDelete('cascade'))
    .addColumn('ns', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    // The value as JSON: the element's text and child elements (namespaces resolved).
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dav_file_props_pkey', ['file_id', 'ns', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['dav_file_props', 'dav_files']) await db.schema.dropTable(t).execute();
}
