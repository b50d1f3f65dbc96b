/**
 * The citizen's widget driven as a person does, by roles and accessible names (the browser tests of
 * test/integration/web*.test.ts): open it from the portal page, write, wait for the bot.
 */
import type { Locator, Page } from 'playwright-core';

export const TIMEOUT = 15_000;

/** Opens the portal page at `httpUrl` and the chat from its «Поддержка» button. */
export async function openWidget(page: Page, httpUrl: string): Promise<void> {
  await page.goto(`${httpUrl}/`);
  await page.getByRole('button', { name: 'Поддержка', exact: true }).click();
  await page.getByRole('textbox', { name: 'Сообщение' }).waitFor();
}

/** Types a message and presses «Отправить». */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Сообщение' }).fill(text);
  await page.getByRole('button', { name: 'Отправить', exact: true }).click();
}

/** Waits until `locator` matches at least `count` elements. */
export async function atLeast(locator: Locator, count: number): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  while ((await locator.count()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} of ${locator}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The bot's messages in the widget's log. */
export const botMessages = (page: Page): Locator => page.getByRole('log').locator('.msg.bot');
