import { createHash } from 'node:crypto';
import type { EventRow } from '../db/types.js';
import { presentPattern } from '../domain/recurrence-pattern.js';
import type { Role } from '../domain/roles.js';
import { iso } from '../domain/time.js';
import type { PresentedPermission } from './permission.presenter.js';

/** An event as the API returns it, with the caller's role (and the permission list when given). */
export function presentEvent(row: EventRow, role: Role, permissions?: PresentedPermission[]) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    location: row.location,
    start_time: iso(row.start_time),
    end_time: iso(row.end_time),
    timezone: row.timezone,
    is_recurring: row.is_recurring === 1,
    recurrence_pattern: row.rrule ? presentPattern(row.rrule) : null,
    exceptions: JSON.parse(row.exceptions),
    created_by: row.created_by,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    version: row.version,
    role,
    ...(permissions ? { permissions } : {}),
  };
}

export type PresentedEvent = ReturnType<typeof presentEvent>;

/**
 * The entity tag of an event representation: the version (what If-Match compares) plus a short
 * hash of the caller's role and the permission list, which change without a new version.
 */
export function eventEtag(version: number, role: Role, permissions?: PresentedPermission[]): string {
  const h = createHash('sha1').update(role).update(JSON.stringify(permissions ?? [])).digest('hex').slice(0, 10);
  return `"v${version}-${h}"`;
}
