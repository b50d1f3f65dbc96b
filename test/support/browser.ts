/**
 * Browser tests: Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven by
 * playwright-core — nothing downloads a browser. Pages are driven by roles and accessible names.
 * `axeViolations` runs axe-core in the page (also inside the widget's open Shadow DOM) against WCAG
 * 2.1 A/AA; `cspViolations` collects what the page's Content-Security-Policy refused.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Where `screenshot` writes: the README's docs/screenshots only with `UPDATE_SCREENSHOTS=1` (a run
 * that means to refresh them); otherwise a temporary folder, so that `npm test` leaves the checkout
 * as it found it (every run renders a few pixels differently).
 */
export const SCREENSHOTS_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots')
    : join(tmpdir(), 'support-chat-screenshots');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * One Chromium for a test file: launched before its tests, closed with every context it made after
 * them. Answers a page opener: a new context (its own cookies and storage, Russian locale) of the
 * given viewport, and its page.
 */
export function useChromium(): (
  width?: number,
  height?: number,
) => Promise<{ context: BrowserContext; page: Page }> {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });
  return async (width = 1280, height = 800) => {
    if (!browser) throw new Error('useChromium: the browser is not launched yet (call it at module level)');
    const context = await browser.newContext({ viewport: { width, height }, locale: 'ru-RU' });
    contexts.push(context);
    return { context, page: await context.newPage() };
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The axe violations of the page as it is now (WCAG 2.0/2.1 A and AA), one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // evaluate() is not subject to the page's CSP (a <script> tag would be refused, as it should).
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }
    ).axe;
    const results = await axe.run('html', {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations.map(
      (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
  });
}

interface AxeResults {
  violations: { id: string; help: string; nodes: { target: unknown }[] }[];
}

/** Collects the page's CSP violations (and page errors) from now on. */
export function watchPage(page: Page): { cspViolations: string[]; errors: string[] } {
  const watched = { cspViolations: [] as string[], errors: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      watched.cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  return watched;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`) });
}

/**
 * In the page (no DOM types here): `document.hidden` and `visibilityState` follow
 * `__setHidden(hidden)`, which fires `visibilitychange` as switching tabs does; every
 * `new Notification(…)` is recorded in `__notifications` before the real one is made.
 */
const BACKGROUND_SCRIPT = `(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  const Native = window.Notification;
  window.__notifications = [];
  function Recorded(title, options) {
    window.__notifications.push({ title, body: (options && options.body) || '' });
    return new Native(title, options);
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Native.permission });
  Recorded.requestPermission = (...args) => Native.requestPermission(...args);
  Recorded.prototype = Native.prototype;
  window.Notification = Recorded;
})();`;

/**
 * Lets a test put the page "in the background" ({@link setHidden}) and see its desktop
 * notifications ({@link notifications}). Call before the page loads; grant `notifications` on the
 * context for `Notification.permission` to be `granted`.
 */
export async function watchBackground(page: Page): Promise<void> {
  await page.addInitScript({ content: BACKGROUND_SCRIPT });
}

/** Puts the page (prepared by {@link watchBackground}) in the background, or back in front. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`window.__setHidden(${hidden})`);
}

/** The notifications the page made so far (prepared by {@link watchBackground}). */
export function notifications(page: Page): Promise<{ title: string; body: string }[]> {
  return page.evaluate('window.__notifications') as Promise<{ title: string; body: string }[]>;
}

/**
 * In the console (Russian): takes the offer of ticket `number`, however often it lapses first. The
 * shared test stack gives 5 s to accept (ACCEPT_SECONDS), which a loaded machine can spend between
 * the offer's arrival and a click: a lapsed offer sets the operator away and goes back to the line,
 * so the operator comes back on line, is offered it again, and takes it. Done when the server has
 * answered the accept: the ticket's button reads «Открыть» and its item is no longer
 * `data-accepting` (the console shows «Открыть» at the click; a refused accept then drops it).
 */
export async function takeOffer(page: Page, number: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const accept = page.getByRole('button', { name: `Принять ${number}` });
  const open = page.getByRole('button', { name: `Открыть ${number}` });
  const taken = page.locator('li:not([data-accepting])').filter({ has: open });
  while (!(await taken.isVisible())) {
    if (Date.now() > deadline) throw new Error(`the offer of ${number} was not taken in ${timeoutMs} ms`);
    if (await page.getByRole('radio', { name: 'Отошёл' }).isChecked())
      await page.getByRole('radio', { name: 'На линии' }).check();
    if (!(await open.isVisible())) await accept.click({ timeout: 2_000 }).catch(() => undefined);
    await taken.waitFor({ timeout: 1_000 }).catch(() => undefined);
  }
}
