import { createHash } from 'node:crypto';
import type { EventRow } from '../db/types.js';
import { presentPattern } from '../domain/recurrence-pattern.js';
import { iso } from '../domain/time.js';
import type { PresentedPermission } from './permission.presenter.js';

/** An event as the API returns it, with the caller's role (and the permission list when given). */
export function presentEvent(row: EventRow, role: string, permissions?: PresentedPermission[]) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    location: row.location,
    start_time: iso(row.start_time),
    end_time: iso(row.end_time),
    timezone: row.timezone,
    is_recurring: row.is_recurring === 1,
    ...withPattern(row),
    uid: row.uid,
    all_day: row.all_day === 1,
    created_by: row.created_by,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    version: row.version,
    role,
    ...(permissions ? { permissions } : {}),
  };
}

/** The pattern (its `exdate` from the cancelled exceptions) and the exceptions, parsed once. */
function withPattern(row: EventRow) {
  const exceptions = JSON.parse(row.exceptions) as { original_start: string; status: string }[];
  return { recurrence_pattern: row.rrule ? presentPattern(row.rrule, exceptions) : null, exceptions };
}

export type PresentedEvent = ReturnType<typeof presentEvent>;

/**
 * The entity tag of an event representation: the version (what If-Match compares) plus a short
 * hash of the caller's role and the permission list, which change without a new version.
 */
export function eventEtag(version: number, role: string, permissions?: PresentedPermission[]): string {
  const h = createHash('sha1').update(role).update(JSON.stringify(permissions ?? [])).digest('hex').slice(0, 10);
  return `"v${version}-${h}"`;
}
