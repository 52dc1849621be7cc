import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { drag, launchBrowser, openPage, signIn, slotPoint, startServer, visibleDates, type Session, type TestApp, type TestUser } from './support.js';

const ZONE = 'Europe/Berlin';
let t: TestApp;
let browser: Browser;
let owner: TestUser;
let s: Session;

/** An instant for a wall-clock time in the browser's zone. */
const at = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone: ZONE }).toUTC().toISO({ suppressMilliseconds: true })!;
const sameInstant = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();
/** Console errors other than Chromium's own line for an HTTP status the test provoked on purpose. */
const unexpected = (errors: string[], ...statuses: number[]) => errors.filter((e) => !statuses.some((st) => e.startsWith(`Failed to load resource: the server responded with a status of ${st}`)));

async function eventsTitled(title: string, token = owner.access) {
  const res = await t.req({ method: 'GET', url: `/api/events?q=${encodeURIComponent(title)}&limit=100`, token });
  return (res.json().items as { id: number; title: string }[]).filter((e) => e.title === title);
}

async function dialogClosed(page: Page) {
  await page.locator('dialog[open]').first().waitFor({ state: 'detached' });
}

beforeAll(async () => {
  t = await startServer();
  browser = await launchBrowser();
  owner = await t.user('editor');
  s = await openPage(browser, t.url, { timezoneId: ZONE });
  await signIn(s.page, owner);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('editing in the calendar', () => {
  let seriesId = 0;
  let day = '';

  it('creates a weekly event by dragging across slots', async () => {
    const { page } = s;
    day = (await visibleDates(page))[1];
    await drag(page, await slotPoint(page, day, '10:00:00'), await slotPoint(page, day, '10:30:00'));
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByLabel('Start').inputValue()).toBe(`${day}T10:00`);
    expect(await dialog.getByLabel('End').inputValue()).toBe(`${day}T11:00`);
    await dialog.getByLabel('Title').fill('Weekly sync');
    await dialog.getByLabel('Repeat').selectOption({ label: 'Weekly' });
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialogClosed(page);
    await page.locator('.fc-event', { hasText: 'Weekly sync' }).waitFor();

    const [ev] = await eventsTitled('Weekly sync');
    const got = (await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).json();
    seriesId = got.id;
    expect(got.is_recurring).toBe(true);
    expect(got.recurrence_pattern.frequency).toBe('WEEKLY');
    expect(sameInstant(got.start_time, at(day, '10:00'))).toBe(true);
    expect(sameInstant(got.end_time, at(day, '11:00'))).toBe(true);
    expect(got.timezone).toBe(ZONE);
    expect(s.errors).toEqual([]);
  });

  it('moves one occurrence by dragging, with "This event"', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Next week' }).click();
    const next = DateTime.fromISO(day).plus({ days: 7 }).toISODate()!;
    await page.locator(`.fc-timegrid-col[data-date="${next}"] .fc-event`, { hasText: 'Weekly sync' }).waitFor();
    const box = (await page.locator(`.fc-timegrid-col[data-date="${next}"] .fc-event`, { hasText: 'Weekly sync' }).boundingBox())!;
    const ten = await slotPoint(page, next, '10:00:00');
    const two = await slotPoint(page, next, '14:00:00');
    const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await drag(page, from, { x: from.x, y: from.y + (two.y - ten.y) });
    await page.getByRole('dialog', { name: 'Edit recurring event' }).waitFor();
    await page.getByRole('button', { name: 'This event', exact: true }).click();
    await dialogClosed(page);

    const windowQs = `start_time=${encodeURIComponent(at(day, '00:00'))}&end_time=${encodeURIComponent(at(day, '00:00').replace(/^(\d{4})/, (y) => String(Number(y) + 1)))}`;
    const occ = (await t.req({ method: 'GET', url: `/api/events/${seriesId}/occurrences?${windowQs}`, token: owner.access })).json().items as { original_start: string; occurrence_start: string; is_exception: boolean }[];
    expect(sameInstant(occ[0].occurrence_start, at(day, '10:00'))).toBe(true);
    expect(occ[1].is_exception).toBe(true);
    expect(sameInstant(occ[1].original_start, at(next, '10:00'))).toBe(true);
    expect(sameInstant(occ[1].occurrence_start, at(next, '14:00'))).toBe(true);
    expect(sameInstant(occ[2].occurrence_start, at(DateTime.fromISO(day).plus({ days: 14 }).toISODate()!, '10:00'))).toBe(true);
    // The calendar shows the moved occurrence where it was dropped.
    await page.locator(`.fc-timegrid-col[data-date="${next}"] .fc-event`, { hasText: '2:00' }).waitFor();
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await page.locator('.fc-day-today').first().waitFor();
    expect(s.errors).toEqual([]);
  });

  it('shows a 409 with the clashing event and writes nothing until "Save anyway"', async () => {
    const { page } = s;
    const date = (await visibleDates(page))[3];
    await t.req({ method: 'POST', url: '/api/events', token: owner.access, payload: { title: 'Budget review', start_time: at(date, '14:00'), end_time: at(date, '15:00') } });
    await page.getByRole('button', { name: 'New event' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Clashing call');
    await dialog.getByLabel('Start').fill(`${date}T14:30`);
    await dialog.getByLabel('End').fill(`${date}T15:30`);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('Budget review');
    expect(text).toMatch(/2:00\s?PM\s?–\s?3:00\s?PM/);
    expect(await eventsTitled('Clashing call')).toHaveLength(0);
    await page.getByRole('button', { name: 'Save anyway' }).click();
    await page.locator('.fc-event', { hasText: 'Clashing call' }).waitFor();
    expect(await eventsTitled('Clashing call')).toHaveLength(1);
    expect(unexpected(s.errors, 409)).toEqual([]);
  });

  it('offers Merge and Reload on a stale edit (412), and Merge keeps both changes', async () => {
    const { page } = s;
    const other = await t.user('coeditor');
    const date = (await visibleDates(page))[4];
    const created = (await t.req({ method: 'POST', url: '/api/events', token: owner.access, payload: { title: 'Offsite plan', description: 'first draft', start_time: at(date, '08:00'), end_time: at(date, '09:00') } })).json();
    await t.req({ method: 'POST', url: `/api/events/${created.id}/share`, token: owner.access, payload: { user_id: other.id, role: 'EDITOR' } });
    await page.reload();
    await page.locator('.fc-event', { hasText: 'Offsite plan' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').waitFor();
    // Meanwhile someone else edits the description.
    await t.req({ method: 'PUT', url: `/api/events/${created.id}`, token: other.access, payload: { description: 'agenda by the co-editor' } });
    await dialog.getByLabel('Title').fill('Offsite plan (final)');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const stale = page.getByRole('dialog', { name: 'Changed while you were editing' });
    await stale.waitFor();
    expect(await stale.innerText()).toContain('agenda by the co-editor');
    await stale.getByRole('button', { name: 'Reload' }).waitFor();
    await stale.getByRole('button', { name: 'Merge' }).click();
    await dialogClosed(page);
    const after = (await t.req({ method: 'GET', url: `/api/events/${created.id}`, token: owner.access })).json();
    expect(after.title).toBe('Offsite plan (final)');
    expect(after.description).toBe('agenda by the co-editor');
    expect(unexpected(s.errors, 409, 412)).toEqual([]);
  });

  it('shows the title of a 30-minute entry inside the entry, beside its time', async () => {
    const { page } = s;
    const date = (await visibleDates(page))[2];
    await t.req({ method: 'POST', url: '/api/events?check_conflicts=false', token: owner.access, payload: { title: 'Standup', start_time: at(date, '10:00'), end_time: at(date, '10:30') } });
    await page.reload();
    const entry = page.locator('.fc-timegrid-event', { hasText: 'Standup' });
    await entry.waitFor();
    const box = (await entry.boundingBox())!;
    const title = (await entry.locator('.fc-event-title').boundingBox())!;
    // Stacked below the time (the old layout), the title was squeezed to ~3 px and unreadable.
    expect(title.height).toBeGreaterThanOrEqual(10);
    expect(title.y + title.height).toBeLessThanOrEqual(box.y + box.height + 1);
    expect(title.x).toBeLessThan(box.x + box.width - 8);
  });

  it('resizes an entry by dragging its end, sent with If-Match as one new version', async () => {
    const { page } = s;
    const date = (await visibleDates(page))[6];
    const ev = (await t.req({ method: 'POST', url: '/api/events?check_conflicts=false', token: owner.access, payload: { title: 'Design review', start_time: at(date, '14:00'), end_time: at(date, '15:00'), timezone: ZONE } })).json();
    await page.reload();
    const entry = page.locator('.fc-timegrid-event', { hasText: 'Design review' });
    await entry.waitFor();
    await entry.hover();
    const handle = (await entry.locator('.fc-event-resizer-end').boundingBox())!;
    const target = await slotPoint(page, date, '15:30:00');
    const put = page.waitForRequest((r) => r.method() === 'PUT' && new URL(r.url()).pathname === `/api/events/${ev.id}`);
    await drag(page, { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, { x: target.x, y: target.y + 2 });
    await expect.poll(async () => (await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).json().version).toBe(2);
    const got = (await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).json();
    expect(sameInstant(got.start_time, at(date, '14:00'))).toBe(true);
    expect(sameInstant(got.end_time, at(date, '16:00'))).toBe(true);
    expect((await put).headers()['if-match']).toBe(`"${ev.version}"`);
    expect(got.version).toBe(2);
    expect(unexpected(s.errors, 409, 412)).toEqual([]);
  });

  it('creates an all-day event with dates only; it sits in the all-day row and reopens with the same dates', async () => {
    const { page } = s;
    const dates = await visibleDates(page);
    const [first, last] = [dates[3], dates[4]];
    await page.getByRole('button', { name: 'New event', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Team offsite');
    await dialog.getByLabel('All day').check();
    // Dates only: an all-day event has no times to choose.
    expect(await dialog.getByLabel('Start').getAttribute('type')).toBe('date');
    expect(await dialog.getByLabel('End').getAttribute('type')).toBe('date');
    await dialog.getByLabel('Start').fill(first);
    await dialog.getByLabel('End').fill(last);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialogClosed(page);

    // In the week view's all-day row (not the time grid), spanning both days.
    const entry = page.locator('.fc-timegrid .fc-daygrid-body .fc-event', { hasText: 'Team offsite' });
    await entry.waitFor();
    expect(await page.locator('.fc-timegrid-col .fc-event', { hasText: 'Team offsite' }).count()).toBe(0);
    const col = (await page.locator(`.fc-timegrid-col[data-date="${first}"]`).boundingBox())!;
    expect((await entry.boundingBox())!.width).toBeGreaterThan(col.width * 1.5);

    // Stored as local midnights in the browser's zone, the last day exclusive (RFC 5545's DTEND).
    const [ev] = await eventsTitled('Team offsite');
    const got = (await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).json();
    expect(got.all_day).toBe(true);
    expect(got.timezone).toBe(ZONE);
    expect(sameInstant(got.start_time, at(first, '00:00'))).toBe(true);
    expect(sameInstant(got.end_time, DateTime.fromISO(last, { zone: ZONE }).plus({ days: 1 }).toUTC().toISO()!)).toBe(true);

    await entry.click();
    const again = page.getByRole('dialog');
    expect(await again.getByLabel('All day').isChecked()).toBe(true);
    expect(await again.getByLabel('Start').inputValue()).toBe(first);
    expect(await again.getByLabel('End').inputValue()).toBe(last);
    await page.keyboard.press('Escape');
    await dialogClosed(page);
    expect(unexpected(s.errors, 409, 412)).toEqual([]);
  });

  it('renders events read-only for a viewer', async () => {
    const viewer = await t.user('viewer');
    const date = (await visibleDates(s.page))[5];
    const ev = (await t.req({ method: 'POST', url: '/api/events', token: owner.access, payload: { title: 'Board meeting', start_time: at(date, '16:00'), end_time: at(date, '17:00') } })).json();
    await t.req({ method: 'POST', url: `/api/events/${ev.id}/share`, token: owner.access, payload: { user_id: viewer.id, role: 'VIEWER' } });
    const v = await openPage(browser, t.url, { timezoneId: ZONE });
    await signIn(v.page, viewer);
    const entry = v.page.locator('.fc-event', { hasText: 'Board meeting' });
    await entry.waitFor();
    expect(await entry.getAttribute('class')).not.toContain('fc-event-draggable');
    await entry.click();
    const dialog = v.page.getByRole('dialog');
    await dialog.getByLabel('Title').waitFor();
    expect(await dialog.getByLabel('Title').isEditable()).toBe(false);
    expect(await dialog.getByLabel('Start').isEditable()).toBe(false);
    expect(await dialog.getByLabel('Description').isEditable()).toBe(false);
    expect(await dialog.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    expect(await dialog.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    // The entry itself cannot be dragged: a drag leaves the event where it was.
    await v.page.keyboard.press('Escape');
    const box = (await entry.boundingBox())!;
    await drag(v.page, { x: box.x + box.width / 2, y: box.y + 5 }, { x: box.x + box.width / 2, y: box.y + 150 });
    const unchanged = (await t.req({ method: 'GET', url: `/api/events/${ev.id}`, token: owner.access })).json();
    expect(unchanged.version).toBe(1);
    expect(v.errors).toEqual([]);
    await v.context.close();
  });
});
