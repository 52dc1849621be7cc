import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  gzippedBytes, launchBrowser, openPage, screenshot, sidewaysScrollers, signIn, startServer, unlabelledControls, type TestApp, type TestUser,
} from './support.js';

let t: TestApp;
let browser: Browser;
let owner: TestUser;

/** Monday 00:00 UTC of the current week, plus days and hours. */
function thisWeek(day: number, hour: number, minutes = 0): string {
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)));
  return new Date(monday.getTime() + day * 86_400_000 + hour * 3_600_000 + minutes * 60_000).toISOString();
}

beforeAll(async () => {
  t = await startServer();
  browser = await launchBrowser();
  owner = await t.user('basics');
  // A week worth looking at: a weekly stand-up, a one-off review, and a shared event.
  const post = (payload: object) => t.req({ method: 'POST', url: '/api/events?check_conflicts=false', token: owner.access, payload });
  await post({ title: 'Team stand-up', start_time: thisWeek(0, 9), end_time: thisWeek(0, 9, 30), recurrence_pattern: { frequency: 'DAILY', count: 5 }, location: 'Room 2' });
  await post({ title: 'Design review', start_time: thisWeek(2, 13), end_time: thisWeek(2, 14, 30), description: 'Walk through the new calendar screens' });
  await post({ title: 'Planning', start_time: thisWeek(3, 10), end_time: thisWeek(3, 11), location: 'Main hall' });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('web client basics', () => {
  it('creates an account, signs out, signs in, and stays signed in across a reload', async () => {
    const { page, errors, context } = await openPage(browser, t.url);
    await page.goto('/');
    await page.getByRole('button', { name: 'Create an account' }).click();
    const username = `newcomer${process.pid}`;
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill(`${username}@example.com`);
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.locator('.fc-timeGridWeek-view').waitFor();
    expect(await page.locator('.fc-day-today').count()).toBeGreaterThan(0);

    // A reload keeps the tab's session (refresh token in sessionStorage, access token in memory only).
    await page.reload();
    await page.locator('.fc-timeGridWeek-view').waitFor();
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('.fc-timeGridWeek-view').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('loads the first view under 500 KB gzipped, with the CSP, no console errors and every control labelled', async () => {
    const { page, errors, context } = await openPage(browser, t.url);
    const loaded: string[] = [];
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.origin === t.url && ['document', 'script', 'stylesheet'].includes(r.request().resourceType())) loaded.push(u.pathname);
    });
    const res = await page.goto('/');
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(await unlabelledControls(page)).toEqual([]);
    await signIn(page, owner);
    await page.locator('.fc-event', { hasText: 'Design review' }).waitFor();
    const bytes = gzippedBytes([...new Set(loaded)]);
    console.log(`first view: ${[...new Set(loaded)].join(', ')} = ${(bytes / 1024).toFixed(1)} KB gzipped`);
    expect(loaded.some((p) => p.endsWith('.js'))).toBe(true);
    expect(bytes).toBeLessThan(500 * 1024);
    // FullCalendar's styles applied under the CSP (its grid has borders and a real layout).
    expect(await page.locator('.fc-timegrid-slots table').evaluate((e) => getComputedStyle(e).borderCollapse)).toBe('collapse');
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, 'week');

    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await page.locator('.fc-dayGridMonth-view').waitFor();
    await page.locator('.fc-event', { hasText: 'Planning' }).waitFor();
    await screenshot(page, 'month');
    await page.getByRole('button', { name: 'Agenda', exact: true }).click();
    await page.locator('.fc-list', { hasText: 'Team stand-up' }).waitFor();
    expect(await page.locator('.fc-list-event', { hasText: 'Team stand-up' }).count()).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await page.locator('.fc-timeGridDay-view').waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is keyboard usable: New event proposes the next full hour, Escape closes, Enter opens an event', async () => {
    const { page, errors, context } = await openPage(browser, t.url);
    await signIn(page, owner);
    await page.getByRole('button', { name: 'New event' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const start = await dialog.getByLabel('Start').inputValue();
    const end = await dialog.getByLabel('End').inputValue();
    const expected = await page.evaluate(() => {
      const d = new Date();
      d.setMinutes(0, 0, 0);
      d.setHours(d.getHours() + 1);
      const p = (n: number) => String(n).padStart(2, '0');
      const f = (x: Date) => `${x.getFullYear()}-${p(x.getMonth() + 1)}-${p(x.getDate())}T${p(x.getHours())}:${p(x.getMinutes())}`;
      return [f(d), f(new Date(d.getTime() + 3_600_000))];
    });
    expect([start, end]).toEqual(expected);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    const entry = page.locator('.fc-event', { hasText: 'Design review' });
    await entry.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await dialog.getByLabel('Title').inputValue()).toBe('Design review');
    expect(await dialog.getByLabel('Description').inputValue()).toBe('Walk through the new calendar screens');
    await screenshot(page, 'event-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Tab reaches the calendar's own controls and the entries.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('at 360×740 neither the page nor a dialog scrolls sideways', async () => {
    const { page, errors, context } = await openPage(browser, t.url, { viewport: { width: 360, height: 740 } });
    await page.goto('/');
    expect(await sidewaysScrollers(page)).toEqual([]);
    await signIn(page, owner);
    await page.locator('.fc-event', { hasText: 'Planning' }).waitFor();
    expect(await sidewaysScrollers(page)).toEqual([]);
    await screenshot(page, 'mobile');
    await page.locator('.fc-event', { hasText: 'Design review' }).click();
    await page.getByRole('dialog').waitFor();
    expect(await sidewaysScrollers(page)).toEqual([]);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByLabel('Find people').waitFor();
    expect(await sidewaysScrollers(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Version 1' }).waitFor();
    expect(await sidewaysScrollers(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('checkbox', { name: 'Version 1' }).waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await page.locator('.fc-dayGridMonth-view').waitFor();
    expect(await sidewaysScrollers(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
