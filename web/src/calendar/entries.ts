import type { Calendar, EventInput, EventSourceApi } from '@fullcalendar/core';
import { api, type ListItem } from '../api/client';
import { gridTimes } from '../events/form';

/** What a calendar entry carries besides its place on the grid. */
export interface EntryProps {
  eventId: number;
  /** The occurrence's key (`original_start`) when the entry is one occurrence of a series. */
  originalStart: string | null;
  item: ListItem;
}

/** A listed (or expanded) item as a FullCalendar entry; a viewer's entries cannot be dragged. */
export function toEntry(item: ListItem): EventInput {
  const occ = item.original_start ?? null;
  const { start, end, allDay } = gridTimes(item);
  const props: EntryProps = { eventId: item.id, originalStart: occ, item };
  return {
    id: occ ? `${item.id}@${occ}` : String(item.id),
    title: item.title,
    start,
    end,
    allDay,
    editable: item.role !== 'VIEWER',
    classNames: [`role-${item.role.toLowerCase()}`],
    extendedProps: props,
  };
}

/** Every item in a window, recurring events expanded, paging through the list. */
export async function fetchWindow(start: Date, end: Date): Promise<EventInput[]> {
  const out: EventInput[] = [];
  const limit = 100;
  for (let skip = 0; skip < 5000; skip += limit) {
    const { data, error } = await api.GET('/api/events', {
      params: { query: { expand: true, start_time: start.toISOString(), end_time: end.toISOString(), skip, limit, sort: 'start_time' } },
    });
    if (!data) throw new Error((error as { detail?: { message?: string } })?.detail?.message ?? 'Could not load events');
    out.push(...data.items.map(toEntry));
    if (skip + limit >= data.total || data.items.length === 0) break;
  }
  return out;
}

const entriesOf = (cal: Calendar, id: number) => cal.getEvents().filter((e) => (e.extendedProps as EntryProps).eventId === id);

/** Drops an event's entries (deleted, or no longer shared with us). */
export function removeEntries(cal: Calendar, id: number) {
  for (const e of entriesOf(cal, id)) e.remove();
}

/**
 * Brings one event's entries up to date in place: refetches it (and its occurrences in the
 * visible window when it repeats) and swaps its entries, without reloading the rest.
 */
export async function refreshEntries(cal: Calendar, source: EventSourceApi | null, id: number) {
  const got = await api.GET('/api/events/{id}', { params: { path: { id }, query: {} } });
  if (!got.data) {
    if (got.response.status === 404 || got.response.status === 403) removeEntries(cal, id);
    return;
  }
  let items: ListItem[] = [got.data];
  if (got.data.is_recurring) {
    const { activeStart, activeEnd } = cal.view;
    const occ = await api.GET('/api/events/{id}/occurrences', {
      params: { path: { id }, query: { start_time: activeStart.toISOString(), end_time: activeEnd.toISOString() } },
    });
    if (!occ.data) return;
    items = occ.data.items;
  }
  cal.batchRendering(() => {
    removeEntries(cal, id);
    for (const it of items) cal.addEvent(toEntry(it), source?.id);
  });
}
