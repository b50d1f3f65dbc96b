/**
 * The widget and the console (docs/requirements.md#clients) in a real browser (Debian's Chromium through playwright-core) against the
 * local stack: the demo portal page with the widget at `/` and the operator console at `/console/`,
 * driven by roles and accessible names. The citizen's whole journey across widget and console, a
 * connection dropped mid-conversation (browser offline) with messages typed meanwhile, two tabs
 * of one citizen, a message that looks like HTML, axe on every screen, 360 px wide, and the
 * screenshots the README shows.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launchChromium, screenshot, watchPage } from '../support/browser.ts';
import { codeFromOutbox, uniqueEmail } from '../support/citizens.ts';

import { createAndSignIn, createStaffUser } from '../support/operator-sign-in.ts';

import { ChatClient, type Frame } from '../support/ws-client.ts';

const httpUrl = inject('localHttpUrl');
const wsUrl = inject('localWsUrl');
const TIMEOUT = 15_000;

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

async function newPage(width = 1280, height = 800): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'ru-RU' });
  contexts.push(context);
  return { context, page: await context.newPage() };
}

async function openWidget(page: Page): Promise<void> {
  await page.goto(`${httpUrl}/`);
  await page.getByRole('button', { name: 'Поддержка', exact: true }).click();
  await page.getByRole('textbox', { name: 'Сообщение' }).waitFor();
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Сообщение' }).fill(text);
  await page.getByRole('button', { name: 'Отправить', exact: true }).click();
}

/** Waits until `locator` matches at least `count` elements. */
async function atLeast(locator: Locator, count: number): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  while ((await locator.count()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} of ${locator}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const botMessages = (page: Page) => page.getByRole('log').locator('.msg.bot');

/** The seqs the widget's log shows, in the order it shows them. */
const shownSeqs = (page: Page) =>
  page
    .getByRole('log')
    .locator('[data-seq]')
    .evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-seq'))));

describe('the web pages', () => {
  it('are served with a strict Content-Security-Policy and read /config.json', async () => {
    const [portal, console, config] = await Promise.all([
      fetch(`${httpUrl}/`),
      fetch(`${httpUrl}/console/`),
      fetch(`${httpUrl}/config.json`).then((r) => r.json() as Promise<{ wsUrl: string }>),
    ]);
    for (const response of [portal, console]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(response.status).toBe(200);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp).toContain(new URL(config.wsUrl).origin);
    }
    expect(await portal.text()).toContain('<script src="/widget.js" defer></script>');
  });

  it('take a citizen from the bot through identification and the queue to an operator who answers, completes and is rated', async () => {
    // Prepare: the citizen on a phone-sized screen, an operator for complaints on a desktop.
    const { page: citizen } = await newPage(360, 740);
    const citizenWatch = watchPage(citizen);
    const username = `web-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    const { context: operatorNetwork, page: operator } = await newPage(1280, 900);
    const operatorWatch = watchPage(operator);
    const violations: Record<string, string[]> = {};

    // Act 1: the bot answers; the citizen identifies with the code from the outbox.
    await citizen.goto(`${httpUrl}/`);
    violations.portal = await axeViolations(citizen);
    await openWidget(citizen);
    await citizen.getByRole('textbox', { name: 'Сообщение' }).fill('не могу вспомнить пароль');
    const suggestion = citizen.getByRole('group', { name: 'Подсказки' }).getByRole('button').first();
    const suggested = await suggestion.textContent({ timeout: TIMEOUT });
    await send(citizen, 'не могу вспомнить пароль от личного кабинета');
    await atLeast(botMessages(citizen), 1);
    violations.chat = await axeViolations(citizen);
    await citizen.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    const email = uniqueEmail('web');
    await citizen.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(email);
    await citizen.getByRole('button', { name: 'Получить код' }).click();
    await citizen.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    await citizen.getByRole('textbox', { name: 'Код из сообщения' }).fill('000000');
    await citizen.getByRole('button', { name: 'Подтвердить' }).click();
    const wrongCode = await citizen
      .getByRole('alert')
      .filter({ hasText: 'Неверный код' })
      .textContent({ timeout: TIMEOUT });
    violations.identify = await axeViolations(citizen);
    await citizen
      .getByRole('textbox', { name: 'Код из сообщения' })
      .fill(await codeFromOutbox(httpUrl, email));
    await citizen.getByRole('button', { name: 'Подтвердить' }).click();
    await citizen.getByRole('heading', { name: 'Мои обращения' }).waitFor({ timeout: TIMEOUT });

    // Act 2: escalation through the intake (a complaint: an operator-only intent), then the queue.
    await citizen.getByRole('button', { name: 'Переписка' }).click();
    await send(citizen, 'хочу подать жалобу на сотрудника');
    await atLeast(botMessages(citizen), 3);
    await send(citizen, 'пропустить всё');
    const queued = citizen.getByRole('status').filter({ hasText: /GU-\d{8}-/ });
    const queuedText = (await queued.textContent({ timeout: TIMEOUT })) ?? '';
    const number = queuedText.match(/GU-\d{8}-[0-9A-Z]{6}/)?.[0] ?? '';

    // Act 3: the operator signs in, keeps only complaints, goes online and accepts it.
    await operator.goto(`${httpUrl}/console/`);
    await operator.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
    violations.signIn = await axeViolations(operator);
    await operator.getByLabel('Пароль').fill(password);
    await operator.getByRole('button', { name: 'Войти' }).click();
    for (const skill of ['Вход и учётная запись', 'Заявления', 'Документы', 'МФЦ', 'Общие вопросы'])
      await operator.getByRole('checkbox', { name: skill }).uncheck();
    await operator.getByRole('radio', { name: 'На линии' }).check();
    const accept = operator.getByRole('button', { name: `Принять ${number}` });
    await accept.waitFor({ timeout: TIMEOUT });
    const titleWhileNew = await operator.title();
    await accept.click();
    const titleAccepted = await operator.title();
    // Accepting (conversation.accept) is what tells the citizen an operator has joined, before any reply.
    await citizen.getByRole('status').filter({ hasText: 'Вам отвечает' }).waitFor({ timeout: TIMEOUT });
    // The first reply's countdown runs from the accept until the operator replies.
    const firstReplyDue = operator.getByText(/^ответить в течение \d/);
    await firstReplyDue.waitFor({ timeout: TIMEOUT });
    // A canned answer taken with the keyboard, and an internal note the citizen never sees.
    await operator.getByRole('searchbox', { name: 'Поиск готового ответа' }).fill('паролем');
    await operator.getByRole('button', { name: 'Восстановление пароля' }).waitFor({ timeout: TIMEOUT });
    await operator.getByRole('searchbox', { name: 'Поиск готового ответа' }).press('Enter');
    const canned = await operator.getByRole('textbox', { name: 'Ответ' }).inputValue();
    const note = `Проверить жалобу ${randomUUID().slice(0, 6)}`;
    await operator.getByRole('textbox', { name: 'Внутренняя заметка' }).fill(note);
    await operator.getByRole('button', { name: 'Добавить заметку' }).click();
    const noteShown = await operator
      .getByRole('log')
      .locator('.note')
      .filter({ hasText: note })
      .textContent({ timeout: TIMEOUT });
    const reply = `Здравствуйте! Жалобу по обращению ${number} приняли, передаём руководителю.`;
    await operator.getByRole('textbox', { name: 'Ответ' }).fill(reply);
    const operatorTyping = await citizen.getByText(/печатает…/).textContent({ timeout: TIMEOUT });
    await operator.getByRole('button', { name: 'Отправить', exact: true }).click();
    await operator.getByRole('log').getByText(reply).waitFor({ timeout: TIMEOUT });
    await firstReplyDue.waitFor({ state: 'detached', timeout: TIMEOUT });
    violations.desk = await axeViolations(operator);
    await screenshot(operator, 'console');

    // Act 4: the citizen sees the operator's name and the reply; the operator completes the ticket.
    await citizen.getByRole('log').getByText(reply).waitFor({ timeout: TIMEOUT });
    const withOperator = await citizen.getByRole('status').filter({ hasText: 'Вам отвечает' }).textContent();
    await citizen.getByRole('textbox', { name: 'Сообщение' }).fill('Спасибо, жду');
    const citizenTyping = await operator.getByText('Гражданин печатает…').textContent({ timeout: TIMEOUT });
    await citizen.getByRole('button', { name: 'Отправить', exact: true }).click();
    await operator.getByRole('log').getByText('Спасибо, жду').waitFor({ timeout: TIMEOUT });
    // The console's network drops and comes back: it holds the conversation again.
    await operatorNetwork.setOffline(true);
    await operator.getByRole('status').filter({ hasText: 'Подключение…' }).waitFor({ timeout: TIMEOUT });
    await operatorNetwork.setOffline(false);
    await operator.getByRole('status').filter({ hasText: 'Подключено' }).waitFor({ timeout: TIMEOUT });
    await operator.getByRole('button', { name: `Открыть ${number}` }).waitFor({ timeout: TIMEOUT });
    await screenshot(citizen, 'widget');
    await operator.getByLabel('Статус обращения', { exact: true }).selectOption('completed');
    await operator.getByRole('button', { name: 'Изменить статус' }).click();
    await operator
      .getByRole('heading', { name: 'Статус обращения: Завершено' })
      .waitFor({ timeout: TIMEOUT });
    await citizen.getByRole('radio', { name: '5 из 5' }).check({ timeout: TIMEOUT });
    violations.rating = await axeViolations(citizen);
    await citizen.getByRole('textbox', { name: 'Комментарий (необязательно)' }).fill('Быстро и по делу');
    await citizen.getByRole('button', { name: 'Отправить оценку' }).click();
    await citizen.getByText('Спасибо за оценку!').waitFor({ timeout: TIMEOUT });
    await citizen.getByRole('button', { name: 'Мои обращения' }).click();
    const ticket = citizen.getByRole('listitem').filter({ hasText: number });
    await ticket.getByText('Завершено').first().waitFor({ timeout: TIMEOUT });
    violations.requests = await axeViolations(citizen);

    // Assess
    expect(suggested?.length).toBeGreaterThan(3);
    expect(wrongCode).toContain('Осталось попыток: 2');
    expect(number).toMatch(/^GU-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(queuedText).toContain('Вы в очереди');
    expect(titleWhileNew).toMatch(/^\(\d+\) Консоль оператора$/);
    expect(titleAccepted).toBe('Консоль оператора');
    expect(withOperator).toContain('Вам отвечает');
    expect(canned.length).toBeGreaterThan(20);
    expect(noteShown).toContain('Внутренняя заметка — гражданин её не видит');
    expect(await citizen.getByRole('log').getByText(note).count()).toBe(0);
    expect(operatorTyping).toBe(`${username} печатает…`);
    expect(citizenTyping).toBe('Гражданин печатает…');
    expect(violations).toEqual({
      portal: [],
      chat: [],
      identify: [],
      signIn: [],
      desk: [],
      rating: [],
      requests: [],
    });
    expect([...citizenWatch.cspViolations, ...operatorWatch.cspViolations]).toEqual([]);
    expect([...citizenWatch.errors, ...operatorWatch.errors]).toEqual([]);
  }, 90_000);

  it('sign in an operator whose account is new: the new password is set on the way, then the desk', async () => {
    // Prepare
    const username = `web-new-${randomUUID().slice(0, 8)}`;
    const temporary = await createStaffUser(httpUrl, username, ['operator'], { temporary: true });
    const { page } = await newPage();
    await page.goto(`${httpUrl}/console/`);

    // Act
    await page.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
    await page.getByLabel('Пароль').fill(temporary);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByLabel('Новый пароль').fill(`New-${randomUUID()}-9bQ!`);
    const violations = await axeViolations(page);
    await page.getByRole('button', { name: 'Сохранить пароль' }).click();
    await page.getByRole('radio', { name: 'На линии' }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'English' }).click();
    const online = await page.getByRole('radio', { name: 'Online' }).count();

    // Assess
    expect(violations).toEqual([]);
    expect(online).toBe(1);
  });

  it('lets the citizen rate a completed ticket of the portal form from «Мои обращения»', async () => {
    // Prepare: a ticket from the portal's form, completed by an operator.
    const email = uniqueEmail('portal-rate');
    const created = (await (
      await fetch(`${httpUrl}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contact: email, text: 'Не пришла справка', category: 'documents' }),
      })
    ).json()) as { ticketId: string; number: string };
    const signed = await createAndSignIn(httpUrl, `web-portal-${randomUUID().slice(0, 8)}`, ['operator']);
    const staff = await ChatClient.connect(wsUrl, { token: signed.idToken });
    for (const status of ['in_progress', 'completed'])
      await staff.request({ action: 'ticket.setStatus', ticketId: created.ticketId, status });
    const { page } = await newPage(360, 740);

    // Act: the citizen identifies with the same e-mail and rates it from the list.
    await openWidget(page);
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(email);
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    await page.getByRole('textbox', { name: 'Код из сообщения' }).fill(await codeFromOutbox(httpUrl, email));
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    await page
      .getByRole('button', { name: `Оценить обращение ${created.number}` })
      .click({ timeout: TIMEOUT });
    await page.getByRole('radio', { name: '4 из 5' }).check();
    await page.getByRole('button', { name: 'Отправить оценку' }).click();
    await page.getByText('Спасибо за оценку!').waitFor({ timeout: TIMEOUT });
    const read = await staff.request({ action: 'ticket.get', ticketId: created.ticketId });
    await staff.close();

    // Assess
    expect(read).toMatchObject({ type: 'ticket', ticket: { status: 'completed', feedback: { rating: 4 } } });
  });

  it('say every identification error in words, the lock with its countdown', async () => {
    // Prepare
    const { page } = await newPage(360, 740);
    await openWidget(page);
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(uniqueEmail('locked'));
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    const wrong = async () => {
      await page.getByRole('textbox', { name: 'Код из сообщения' }).fill('000000');
      await page.getByRole('button', { name: 'Подтвердить' }).click();
    };

    // Act
    await wrong();
    const first = await page
      .getByRole('alert')
      .filter({ hasText: 'Осталось попыток: 2' })
      .textContent({ timeout: TIMEOUT });
    await wrong();
    const second = await page
      .getByRole('alert')
      .filter({ hasText: 'Осталось попыток: 1' })
      .textContent({ timeout: TIMEOUT });
    await wrong();
    const locked = await page
      .getByRole('alert')
      .filter({ hasText: 'Слишком много' })
      .textContent({ timeout: TIMEOUT });
    await page.waitForTimeout(2100);
    const later = await alert.textContent();
    const violations = await axeViolations(page);

    // Assess
    expect(first).toBe('Неверный код. Осталось попыток: 2.');
    expect(second).toBe('Неверный код. Осталось попыток: 1.');
    expect(locked).toMatch(/^Слишком много неверных кодов\. Попробуйте через 1[45] мин \d+ с\.$/);
    expect(later).not.toBe(locked);
    expect(violations).toEqual([]);
  });

  it('switch the widget to English, names and all, and the session with it', async () => {
    // Prepare
    const { page } = await newPage(360, 740);
    await openWidget(page);

    // Act
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('I forgot my password');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await atLeast(botMessages(page), 1);
    const answer = await botMessages(page).first().textContent();
    const launcher = await page.getByRole('button', { name: 'Support', exact: true }).count();
    const violations = await axeViolations(page);

    // Assess
    expect(launcher).toBe(1);
    expect(answer).toMatch(/[a-z]{4}/i);
    expect(answer).not.toMatch(/[а-я]{4}/i);
    expect(violations).toEqual([]);
  }, 60_000);

  it('send the portal feedback form and show the ticket number it returns', async () => {
    // Prepare
    const { page } = await newPage(360, 740);
    await page.goto(`${httpUrl}/feedback.html`);

    // Act
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(uniqueEmail('portal'));
    await page.getByRole('textbox', { name: 'Текст обращения' }).fill('Не могу записаться в МФЦ');
    await page.getByRole('button', { name: 'Отправить обращение' }).click();
    const result = await page
      .getByRole('status')
      .filter({ hasText: 'Номер обращения' })
      .textContent({ timeout: TIMEOUT });
    const violations = await axeViolations(page);

    // Assess
    expect(result).toMatch(/GU-\d{8}-[0-9A-HJKMNP-TV-Z]{6}/);
    expect(violations).toEqual([]);
  });

  it('shows a message never acknowledged as not sent, and its retry delivers it once with the same id', async () => {
    // Prepare: the page's socket goes through a relay that loses the server's acks until told not to.
    const { page } = await newPage();
    const gatewayPort = new URL(wsUrl).port;
    let loseAcks = true;
    const lost: string[] = [];
    const sent: string[] = [];
    await page.routeWebSocket(
      (url) => url.port === gatewayPort,
      (socket) => {
        const server = socket.connectToServer();
        socket.onMessage((message) => {
          const frame = JSON.parse(String(message)) as Frame;
          if (frame.action === 'message.send') sent.push(String(frame.clientMessageId));
          server.send(message);
        });
        server.onMessage((message) => {
          const frame = JSON.parse(String(message)) as Frame;
          if (loseAcks && frame.type === 'message.ack') return void lost.push(String(frame.clientMessageId));
          socket.send(message);
        });
      },
    );
    const text = 'Сообщение, чьё подтверждение потерялось';

    // Act
    await openWidget(page);
    await send(page, text);
    await page.getByRole('button', { name: 'Повторить' }).waitFor({ timeout: TIMEOUT });
    const failed = await page.getByText('Не отправлено').count();
    loseAcks = false;
    await page.getByRole('button', { name: 'Повторить' }).click();
    await page.getByRole('button', { name: 'Повторить' }).waitFor({ state: 'detached', timeout: TIMEOUT });
    await page.getByText('Отправляется…').waitFor({ state: 'detached', timeout: TIMEOUT });
    const shown = await page.getByRole('log').getByText(text).count();

    // Assess
    expect(failed).toBe(1);
    expect(lost).toHaveLength(1);
    expect(sent).toEqual([lost[0], lost[0]]);
    expect(shown).toBe(1);
  }, 60_000);

  it('keeps messages typed offline and delivers each exactly once after the reconnect, with no gap in the log', async () => {
    // Prepare: a conversation with the bot.
    const { context, page } = await newPage();
    await openWidget(page);
    await send(page, 'Здравствуйте');
    await atLeast(botMessages(page), 1);

    // Act: the network goes; two messages are typed; it comes back.
    await context.setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Нет связи' }).waitFor({ timeout: TIMEOUT });
    await send(page, 'Первое сообщение без связи');
    await send(page, 'Второе сообщение без связи');
    const waitingWhileOffline = await page.getByText('Отправляется…').count();
    await context.setOffline(false);
    await page.getByText('Отправляется…').first().waitFor({ state: 'detached', timeout: TIMEOUT });
    await atLeast(botMessages(page), 3);
    const token = await page.evaluate(() => localStorage.getItem('support-chat.resumeToken'));
    const reader = await ChatClient.connect(wsUrl, { token: token ?? '' });
    const welcome = await reader.request({ action: 'hello' });
    const history = await reader.request({ action: 'history.get', conversationId: welcome.conversationId });
    await reader.close();
    const stored = (history.messages as Frame[]).map((m) => ({ seq: Number(m.seq), text: String(m.text) }));
    const deadline = Date.now() + TIMEOUT;
    while ((await shownSeqs(page)).length < stored.length && Date.now() < deadline)
      await page.waitForTimeout(100);
    const shown = await shownSeqs(page);

    // Assess
    expect(waitingWhileOffline).toBe(2);
    expect(stored.filter((m) => m.text === 'Первое сообщение без связи')).toHaveLength(1);
    expect(stored.filter((m) => m.text === 'Второе сообщение без связи')).toHaveLength(1);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(shown).toEqual(stored.map((m) => m.seq));
    const texts = stored.map((m) => m.text);
    expect(texts.indexOf('Первое сообщение без связи')).toBeLessThan(
      texts.indexOf('Второе сообщение без связи'),
    );
  }, 60_000);

  it('shows one citizen the same conversation in two tabs, and a message that looks like HTML as text', async () => {
    // Prepare
    const { context, page: first } = await newPage();
    const dialogs: string[] = [];
    await openWidget(first);
    await send(first, 'Здравствуйте, пишу из первой вкладки');
    await atLeast(botMessages(first), 1);
    const second = await context.newPage();
    for (const page of [first, second])
      page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));

    // Act: the second tab resumes the session and sends markup.
    await openWidget(second);
    await second
      .getByRole('log')
      .getByText('Здравствуйте, пишу из первой вкладки')
      .waitFor({ timeout: TIMEOUT });
    const markup = '<img src=x onerror=alert(1)>';
    await send(second, markup);
    await first.getByRole('log').getByText(markup).waitFor({ timeout: TIMEOUT });
    await atLeast(botMessages(first), 2);
    const images = await first.getByRole('log').locator('img').count();
    const seqsFirst = await shownSeqs(first);
    const seqsSecond = await shownSeqs(second);

    // Assess
    expect(images).toBe(0);
    expect(dialogs).toEqual([]);
    expect(seqsFirst).toEqual(seqsFirst.map((_, i) => i + 1));
    expect(seqsSecond.slice(0, seqsFirst.length)).toEqual(seqsFirst.slice(0, seqsSecond.length));
  }, 60_000);
});
