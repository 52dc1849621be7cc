import { features } from '../api/features.gen';
import type { ApiEvent, EventCreate, ListItem } from '../api/client';

export type Repeat = 'NONE' | 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY' | 'CUSTOM';

/** What the event dialog edits; times are `datetime-local` strings in the browser's zone. */
export interface EventForm {
  title: string;
  start: string;
  end: string;
  timezone: string;
  allDay: boolean;
  location: string;
  description: string;
  repeat: Repeat;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in the browser's zone. */
export function toLocalInput(d: Date | string): string {
  const t = typeof d === 'string' ? new Date(d) : d;
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** A `datetime-local` value (browser zone) as an RFC 3339 UTC instant; null when empty or invalid. */
export function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function zones(): string[] {
  const list = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return list.includes('UTC') ? list : ['UTC', ...list];
}

/** The next full hour from now, for one hour: what "New event" proposes. */
export function nextHour(now = new Date()): { start: Date; end: Date } {
  const start = new Date(now);
  start.setMinutes(0, 0, 0);
  start.setHours(start.getHours() + 1);
  return { start, end: new Date(start.getTime() + 3_600_000) };
}

export function blankForm(start: Date, end: Date, allDay = false): EventForm {
  return { title: '', start: toLocalInput(start), end: toLocalInput(end), timezone: browserZone(), allDay, location: '', description: '', repeat: 'NONE' };
}

export const isAllDay = (e: object) => (e as { all_day?: unknown }).all_day === true;

function repeatOf(e: ApiEvent): Repeat {
  const p = e.recurrence_pattern;
  if (!e.is_recurring || !p) return 'NONE';
  const simple = p.interval === 1 && !p.count && !p.until && !p.by_month_day && (!p.by_weekday || p.by_weekday.length <= 1);
  return simple && ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(p.frequency) ? (p.frequency as Repeat) : 'CUSTOM';
}

/** The dialog's fields for an event, showing the occurrence's own times when one was opened. */
export function formOf(e: ApiEvent, times?: { start: string; end: string }): EventForm {
  const start = times?.start ?? e.start_time;
  const end = times?.end ?? e.end_time;
  // An all-day event is its dates in its own zone, whatever the browser's zone.
  const local = (iso: string) => (isAllDay(e) ? `${dateIn(iso, e.timezone)}T00:00` : toLocalInput(iso));
  return {
    title: e.title,
    start: local(start),
    end: local(end),
    timezone: e.timezone,
    allDay: isAllDay(e),
    location: e.location ?? '',
    description: e.description ?? '',
    repeat: repeatOf(e),
  };
}

/** A calendar date (YYYY-MM-DD) in a zone. */
function dateIn(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** Where an item sits in the grid: all-day items by their date in their own zone. */
export function gridTimes(item: ListItem): { start: string; end: string; allDay: boolean } {
  const start = item.occurrence_start ?? item.start_time;
  const end = item.occurrence_end ?? item.end_time;
  if (!isAllDay(item)) return { start, end, allDay: false };
  return { start: dateIn(start, item.timezone), end: dateIn(end, item.timezone), allDay: true };
}

export type Times = { start_time: string; end_time: string };

/** The form's times as the API takes them; all-day spans whole days (wall-clock midnights when the API knows all_day). */
export function timesOf(f: EventForm): Times | string {
  if (f.allDay) {
    const s = f.start.slice(0, 10);
    let e = f.end.slice(0, 10);
    if (!s || !e) return 'Start and End are required';
    if (e <= s) e = nextDay(s);
    else if (f.end.slice(11) !== '00:00') e = nextDay(e);
    if (features.allDay) return { start_time: `${s}T00:00:00`, end_time: `${e}T00:00:00` };
    return { start_time: new Date(`${s}T00:00`).toISOString(), end_time: new Date(`${e}T00:00`).toISOString() };
  }
  const start = fromLocalInput(f.start);
  const end = fromLocalInput(f.end);
  if (!start || !end) return 'Start and End are required';
  if (new Date(end) <= new Date(start)) return 'End must be after Start';
  return { start_time: start, end_time: end };
}

function addDays(d: string, n: number): string {
  const t = new Date(`${d}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
const nextDay = (d: string) => addDays(d, 1);

/**
 * An all-day form's dates as people read them: the last day is inclusive (a one-day event starts
 * and ends on the same date), while the form, like the API, keeps the exclusive midnight after it.
 */
export function allDayDates(f: EventForm): { start: string; end: string } {
  const start = f.start.slice(0, 10);
  let end = f.end.slice(0, 10);
  if (end > start && f.end.slice(11) === '00:00') end = addDays(end, -1);
  return { start, end: end < start ? start : end };
}

/** The form after choosing all-day dates (inclusive last day), kept as midnights like the API's. */
export function withAllDayDates(f: EventForm, dates: { start?: string; end?: string }): EventForm {
  const cur = allDayDates(f);
  const start = dates.start || cur.start;
  let last = dates.end || cur.end;
  if (dates.start && !dates.end) last = addDays(start, Math.max(0, daysBetween(cur.start, cur.end)));
  if (last < start) last = start;
  return { ...f, start: `${start}T00:00`, end: `${nextDay(last)}T00:00` };
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T12:00:00Z`) - Date.parse(`${a}T12:00:00Z`)) / 86_400_000);

/** The body of a create or whole-series update; a custom rule is kept as it is unless Repeat changes. */
export function bodyOf(f: EventForm, times: Times): EventCreate {
  const body: EventCreate = {
    title: f.title.trim(),
    description: f.description,
    location: f.location,
    timezone: f.timezone,
    ...times,
  };
  if (f.repeat !== 'CUSTOM') {
    body.is_recurring = f.repeat !== 'NONE';
    body.recurrence_pattern = f.repeat === 'NONE' ? null : { frequency: f.repeat, interval: 1 };
  }
  if (features.allDay) (body as Record<string, unknown>).all_day = f.allDay;
  return body;
}

/**
 * Ticking "All day" keeps the dates shown (a 10:00–11:00 meeting becomes that whole day); unticking
 * it proposes 09:00–10:00 on the first day rather than a 24-hour block from midnight.
 */
export function toggleAllDay(f: EventForm, allDay: boolean): EventForm {
  if (allDay === f.allDay) return f;
  if (allDay) return withAllDayDates({ ...f, allDay: true }, {});
  const day = f.start.slice(0, 10);
  return { ...f, allDay: false, start: `${day}T09:00`, end: `${day}T10:00` };
}
