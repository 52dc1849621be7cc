import type { DbHandle } from '../db/connection.js';
import { presentAudit } from '../presenters/audit.presenter.js';
import { auditRepository } from '../repositories/audit.repository.js';

/** The audit trail as its subjects see it: each user reads only their own rows. */
export function createAuditService(handle: DbHandle) {
  return {
    /** The caller's own audit rows, newest first. */
    async list(actorId: number, skip: number, limit: number) {
      const { total, rows } = await auditRepository.listForUser(handle.db, actorId, skip, limit);
      return { total, items: rows.map(presentAudit) };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
