import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { expect } from 'vitest';
import type { TestApp, TestUser } from './app.js';

/** A fixture file's bytes (test/fixtures/ical/<name>.ics). */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/ical/${name}.ics`, import.meta.url));
}

/** POST /api/events/import; asserts 200 and returns the body. */
export async function importIcs(t: TestApp, u: TestUser, body: string | Buffer, query = ''): Promise<any> {
  const res = await t.req({ method: 'POST', url: `/api/events/import${query}`, token: u.access, headers: { 'content-type': 'text/calendar' }, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The VEVENTs of a calendar as ical.js reads them. */
export function icalVevents(text: string): ICAL.Component[] {
  return new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
}

/** The VEVENTs of a calendar as node-ical (an independent parser) reads them. */
export function nodeIcalVevents(text: string): any[] {
  return Object.values(nodeIcal.sync.parseICS(text)).filter((c: any) => c.type === 'VEVENT');
}

/**
 * Occurrence starts of one UID's series as ical.js computes them from a calendar (its own
 * VTIMEZONEs registered), overrides applied, cancelled ones left out, up to `until`.
 */
export function icalOccurrences(text: string, uid: string, until: number): number[] {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const z of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(z);
  try {
    const comps = cal.getAllSubcomponents('vevent').filter((v) => v.getFirstPropertyValue('uid') === uid);
    const master = new ICAL.Event(comps.find((c) => !c.hasProperty('recurrence-id'))!);
    for (const o of comps.filter((c) => c.hasProperty('recurrence-id'))) master.relateException(o);
    const out: number[] = [];
    const it = master.iterator();
    for (let next = it.next(), n = 0; next && n < 1000; next = it.next(), n++) {
      const ms = next.toUnixTime() * 1000;
      if (ms > until) break;
      const details = master.getOccurrenceDetails(next);
      out.push(details.startDate.toUnixTime() * 1000);
    }
    return out.sort((a, b) => a - b);
  } finally {
    for (const z of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.remove(String(z.getFirstPropertyValue('tzid')));
  }
}
