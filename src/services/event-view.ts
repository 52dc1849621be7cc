import type { Db, EventRow } from '../db/types.js';
import type { Role } from '../domain/roles.js';
import { presentEventView } from '../presenters/event.presenter.js';
import { permissionsRepository } from '../repositories/permissions.repository.js';

/**
 * The event with its current permission list and entity tag, as single-event responses carry it.
 * Reads the permissions through `db` (pass the write's transaction to see its own changes).
 */
export async function presentWithPermissions(db: Db, row: EventRow, role: Role) {
  return presentEventView(row, role, await permissionsRepository.list(db, row.id));
}
