import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp, type TestUser } from '../helpers/app.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const WEB_DIST = join(ROOT, 'dist', 'web');
/** Where every run saves its screenshots (git-ignored). */
export const SHOTS = join(ROOT, 'test-results', 'screenshots');
/** The README's pictures: refreshed from a run only when asked (`UPDATE_SCREENSHOTS=1`). */
export const README_SHOTS = join(ROOT, 'docs', 'screenshots');

/** Debian's Chromium, headless, kept off the network (no sync, updates, QUIC or background traffic). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
}

/** A fresh context (its own storage, so its own signed-in user) with console errors collected. */
export async function openPage(browser: Browser, base: string, opts: { timezoneId?: string; viewport?: { width: number; height: number } } = {}): Promise<Session> {
  const context = await browser.newContext({
    baseURL: base,
    timezoneId: opts.timezoneId ?? 'UTC',
    locale: 'en-US',
    viewport: opts.viewport ?? { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** The app on a fresh SQLite database, listening on a free port and serving the built client. */
export async function startServer(): Promise<TestApp> {
  const t = await startTestApp();
  await t.listen();
  return t;
}

export async function signIn(page: Page, u: { username: string; password: string }) {
  await page.goto('/');
  await page.getByLabel('Username').fill(u.username);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.fc-timegrid').waitFor();
}

/**
 * Saves a screenshot under test-results/screenshots/, so a test run leaves the tree clean; with
 * UPDATE_SCREENSHOTS=1 it also replaces the README's copy in docs/screenshots/.
 */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(README_SHOTS, { recursive: true });
    copyFileSync(path, join(README_SHOTS, `${name}.png`));
  }
}

/** Every visible form control without an accessible name (label, aria-label(ledby), title or text). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('input, select, textarea, button'))) {
      if (!el.checkVisibility() || (el as HTMLInputElement).type === 'hidden') continue;
      const byIds = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
      const labels = Array.from((el as HTMLInputElement).labels ?? []).map((l) => l.textContent ?? '').join(' ');
      const own = el.tagName === 'BUTTON' ? (el.textContent ?? '') : '';
      const name = [el.getAttribute('aria-label') ?? '', byIds, labels, own, el.getAttribute('title') ?? ''].join(' ').trim();
      if (!name) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

/** Elements (the page, or any open dialog) wider than their box: something scrolls sideways. */
export function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
    for (const d of Array.from(document.querySelectorAll('dialog[open]'))) {
      if (d.scrollWidth > d.clientWidth) out.push(`dialog "${d.querySelector('h2')?.textContent}" ${d.scrollWidth} > ${d.clientWidth}`);
    }
    return out;
  });
}

/** Gzipped bytes of the built files a page loaded (its document, scripts, styles). */
export function gzippedBytes(paths: string[]): number {
  let total = 0;
  for (const p of paths) {
    const file = p === '/' ? 'index.html' : p.replace(/^\//, '');
    total += gzipSync(readFileSync(join(WEB_DIST, file)), { level: 9 }).length;
  }
  return total;
}

/** The Monday-to-Sunday dates FullCalendar shows for a local date, as data-date strings. */
export async function visibleDates(page: Page): Promise<string[]> {
  return page.locator('.fc-timegrid-col[data-date]').evaluateAll((els) => els.map((e) => e.getAttribute('data-date')!));
}

/** The centre of a time slot in a day column of the week or day view. */
export async function slotPoint(page: Page, date: string, time: string): Promise<{ x: number; y: number }> {
  const col = await page.locator(`.fc-timegrid-col[data-date="${date}"]`).boundingBox();
  const row = await page.locator(`.fc-timegrid-slot-lane[data-time="${time}"]`).boundingBox();
  if (!col || !row) throw new Error(`no slot ${date} ${time}`);
  return { x: col.x + col.width / 2, y: row.y + row.height / 2 };
}

/** Drags with the mouse in small steps, as a person would (FullCalendar needs pointer moves). */
export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x, from.y + 4, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

export type { TestApp, TestUser };
