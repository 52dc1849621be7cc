import type { Kysely } from 'kysely';
import { bigintType } from './helpers.js';

/* Frozen in time: never import application code here (the folding below is a copy on purpose). */

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().normalize('NFC');
}

/*
 * - sessions.previous_jti / rotated_at: a refresh token presented again shortly after its rotation
 *   (a retry, a second tab) gets the current pair instead of revoking the session.
 * - events.search_text: title, description and location folded (no case, no accents) for `q`,
 *   filled for existing rows here and on every write by the application.
 * - audit_log.outcome: the closed set ok | denied | invalid | error replaces success | failure,
 *   and driver codes recorded as the error of a failure are replaced by INTERNAL_ERROR.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('previous_jti', 'varchar(64)').execute();
  await db.schema.alterTable('sessions').addColumn('rotated_at', bigintType(db)).execute();
  await db.schema.alterTable('events').addColumn('search_text', 'text', (c) => c.notNull().defaultTo('')).execute();

  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('events').select(['id', 'title', 'description', 'location']).where('id', '>', after).orderBy('id').limit(500).execute();
    if (!rows.length) break;
    for (const r of rows) {
      await db.updateTable('events').set({ search_text: fold([r.title, r.description ?? '', r.location ?? ''].join('\n')) }).where('id', '=', r.id).execute();
    }
    after = rows[rows.length - 1].id;
  }

  await db.updateTable('audit_log').set({ outcome: 'ok' }).where('outcome', '=', 'success').execute();
  // Failures: the outcome follows the recorded API code; anything else (a driver's code) was an error.
  const codes: Record<string, string> = {
    UNAUTHORIZED: 'denied', FORBIDDEN: 'denied', NOT_FOUND: 'denied', RATE_LIMIT_EXCEEDED: 'denied',
    VALIDATION_ERROR: 'invalid', BAD_REQUEST: 'invalid', CONFLICT: 'invalid', GONE: 'invalid', PRECONDITION_FAILED: 'invalid',
    PAYLOAD_TOO_LARGE: 'invalid', UNSUPPORTED_MEDIA_TYPE: 'invalid', INTERNAL_ERROR: 'error', SERVICE_UNAVAILABLE: 'error',
  };
  for (;;) {
    const rows = await db.selectFrom('audit_log').select(['id', 'action', 'details']).where('outcome', '=', 'failure').orderBy('id').limit(500).execute();
    if (!rows.length) break;
    for (const r of rows) {
      let details: Record<string, unknown> = {};
      try {
        details = JSON.parse(r.details);
      } catch {
        /* keep {} */
      }
      let outcome = String(r.action).startsWith('auth.') ? 'denied' : 'error';
      if (typeof details.error === 'string') {
        if (codes[details.error]) outcome = codes[details.error];
        else details.error = 'INTERNAL_ERROR';
      }
      if (String(r.action) === 'auth.register') outcome = 'invalid';
      await db.updateTable('audit_log').set({ outcome, details: JSON.stringify(details) }).where('id', '=', r.id).execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('search_text').execute();
  await db.schema.alterTable('sessions').dropColumn('rotated_at').execute();
  await db.schema.alterTable('sessions').dropColumn('previous_jti').execute();
}
