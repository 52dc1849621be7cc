import { IANAZone } from 'luxon';
import type { Occurrence } from './recurrence-expand.js';
import { instantOf, offsetMs } from './recurrence-zone.js';

const DAY = 86_400_000;

/**
 * All-day occurrences span whole local days: expansion keeps the start at local midnight (it walks
 * wall-clock time) but adds the series' duration in milliseconds, which a DST change in between
 * makes an hour long or short. This sets each unchanged occurrence's end to the local midnight the
 * same number of days after its start. Timed events are returned as they are.
 */
export function allDayEnds(occ: Occurrence[], ev: { allDay: boolean; timezone: string; start: number; end: number }): Occurrence[] {
  if (!ev.allDay || !occ.length) return occ;
  const zone = IANAZone.create(ev.timezone);
  const wall = (t: number) => t + offsetMs(zone, t);
  const days = Math.round((wall(ev.end) - wall(ev.start)) / DAY);
  return occ.map((o) => (o.is_exception ? o : { ...o, end: instantOf(zone, wall(o.start) + days * DAY) }));
}
