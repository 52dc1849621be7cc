import type { DbHandle } from '../db/connection.js';
import { validationError } from '../domain/errors.js';
import { eventToCalendar, eventToCalendarAsync } from '../ical/index.js';
import { eventEtag } from '../presenters/event.presenter.js';
import { presentPermissions } from '../presenters/permission.presenter.js';
import { calendarEtag } from '../presenters/ical.presenter.js';
import { rowToIcal } from './dav-ical.js';
import { eventsRepository } from '../repositories/events.repository.js';
import { requireRoleCached } from './access.js';
import { parseWindow } from '../domain/event-window.js';
import type { ReadCache } from './read-cache.js';

/** Most events one calendar export holds; past it the caller narrows the window. */
export const MAX_EXPORT_EVENTS = 5000;

export function createIcalExportService(deps: { handle: DbHandle; rc: ReadCache }) {
  const { handle, rc } = deps;
  const { db } = handle;

  /** Every live event the user holds a role on (optionally only those touching a window) as one VCALENDAR. */
  async function calendarOf(userId: number, window: { ws?: number; we?: number }, name?: string) {
    const rows = await eventsRepository.listForUser(db, { userId, windowStart: window.ws, windowEnd: window.we });
    if (rows.length > MAX_EXPORT_EVENTS) {
      throw validationError([{ field: 'start_time', message: `the calendar holds ${rows.length} events; at most ${MAX_EXPORT_EVENTS} per export: narrow the window` }]);
    }
    rows.sort((a, b) => a.id - b.id);
    const text = await eventToCalendarAsync(rows.map(rowToIcal), name === undefined ? {} : { name });
    return { text, etag: calendarEtag(text) };
  }

  return {
    /** One event as a VCALENDAR (any role), with the event's own ETag. 404 without a role. */
    async event(actorId: number, id: number) {
      const { event, role, permissions } = await requireRoleCached(rc, db, id, actorId, 'VIEWER');
      return { text: eventToCalendar(rowToIcal(event)), etag: eventEtag(event.version, role, presentPermissions(permissions)) };
    },

    /** The caller's calendar; start/end (RFC 3339) keep only events touching that window. */
    async calendar(actorId: number, start?: string, end?: string) {
      const { ws, we } = parseWindow(start, end, false, null);
      return calendarOf(actorId, { ws, we });
    },

    calendarOf,
  };
}

export type IcalExportService = ReturnType<typeof createIcalExportService>;
