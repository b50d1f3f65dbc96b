/**
 * The widget and the console (docs/requirements.md#clients) in a real browser (Debian's Chromium through playwright-core) against the
 * local stack: the demo portal page with the widget at `/` and the operator console at `/console/`,
 * driven by roles and accessible names. The citizen's whole journey across widget and console, a
 * connection dropped mid-conversation (browser offline) with messages typed meanwhile, two tabs
 * of one citizen, a message that looks like HTML, axe on every screen, 360 px wide, and the
 * screenshots the README shows.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { encode } from 'uqr';
import { describe, expect, inject, it } from 'vitest';
import {
  axeViolations,
  notifications,
  screenshot,
  setHidden,
  takeOffer,
  useChromium,
  watchBackground,
  watchPage,
} from '../support/browser.ts';
import { codeFromOutbox, uniqueEmail } from '../support/citizens.ts';
import { ChallengingCognito, totp } from '../support/fake-cognito.ts';
import { frameWith } from '../support/frames.ts';
import {
  claimsOf,
  createAndSignIn,
  createStaffUser,
  publicConfig,
  signIn,
} from '../support/operator-sign-in.ts';
import { itemWhen } from '../support/tables.ts';
import { atLeast, botMessages, openWidget as openWidgetAt, send, TIMEOUT } from '../support/widget-page.ts';
import { ChatClient, type Frame } from '../support/ws-client.ts';

const httpUrl = inject('localHttpUrl');
const wsUrl = inject('localWsUrl');

const newPage = useChromium();

const openWidget = (page: Page) => openWidgetAt(page, httpUrl);

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
    await citizen.getByRole('log').getByRole('button').first().waitFor({ timeout: TIMEOUT });
    // The answer's suggestions are drawn after it: the log still shows its very end.
    const unread = await citizen
      .getByRole('log')
      .evaluate((log) => log.scrollHeight - log.scrollTop - log.clientHeight);
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
    // Asked again while waiting: the answer says «queued» without the place; what the line said stays.
    await citizen.getByRole('button', { name: 'Позвать оператора' }).click();
    await citizen.waitForTimeout(500);
    const queuedAgain =
      (await citizen.getByRole('status').filter({ hasText: 'Вы в очереди' }).textContent()) ?? '';
    // Reloaded while waiting: the status says so at once, ticket and all (welcome's `conversation`).
    await citizen.reload();
    await openWidget(citizen);
    const afterReload =
      (await citizen
        .getByRole('status')
        .filter({ hasText: number })
        // At once: sooner than the line tick (5 s) could tell the place again.
        .textContent({ timeout: 2500 })
        .catch(() => '')) ?? '';

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
    await takeOffer(operator, number);
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
    // What the operator waits for is said under the chat's title, and goes once work resumes.
    await operator.getByLabel('Статус обращения', { exact: true }).selectOption('waiting');
    await operator.getByLabel('Что ожидается').fill('скан паспорта');
    await operator.getByLabel('До какого срока').fill('2027-01-15T12:00');
    await operator.getByRole('button', { name: 'Изменить статус' }).click();
    const awaitedStatus = await citizen
      .locator('#sc-panel > .status')
      .filter({ hasText: 'Ожидается' })
      .textContent({ timeout: TIMEOUT });
    // Reloaded, the page has had nothing pushed: it reads the ticket and says the same at once.
    await citizen.reload();
    await openWidget(citizen);
    const awaitedAfterReload = await citizen
      .locator('#sc-panel > .status')
      .filter({ hasText: 'Ожидается' })
      .textContent({ timeout: TIMEOUT });
    await screenshot(citizen, 'widget');
    await operator.getByLabel('Статус обращения', { exact: true }).selectOption('in_progress');
    await operator.getByRole('button', { name: 'Изменить статус' }).click();
    await citizen
      .locator('#sc-panel > .status')
      .filter({ hasNotText: 'Ожидается' })
      .filter({ hasText: 'Вам отвечает' })
      .waitFor({ timeout: TIMEOUT });
    await operator.getByLabel('Статус обращения', { exact: true }).selectOption('completed');
    await operator
      .getByLabel('Комментарий для гражданина', { exact: true })
      .fill('Код пришёл, вопрос решён.');
    await operator.getByRole('button', { name: 'Изменить статус' }).click();
    await operator
      .getByRole('heading', { name: 'Статус обращения: Завершено' })
      .waitFor({ timeout: TIMEOUT });
    // Closed: said so, with nothing left to send or change.
    const closedDesk = {
      note: await operator.locator('.detail').getByText('Разговор закрыт').count(),
      forms: await operator.locator('.detail').getByRole('button').allTextContents(),
    };
    await citizen.getByRole('radio', { name: '5 из 5' }).check({ timeout: TIMEOUT });
    violations.rating = await axeViolations(citizen);
    // The form shares the chat: the log keeps some lines and «Позвать оператора» stays in the panel.
    const panelBox = await citizen.locator('#sc-panel').boundingBox();
    const logBox = await citizen.getByRole('log').boundingBox();
    const askBox = await citizen.getByRole('button', { name: 'Позвать оператора' }).boundingBox();
    await citizen.getByRole('textbox', { name: 'Комментарий (необязательно)' }).fill('Быстро и по делу');
    await citizen.getByRole('button', { name: 'Отправить оценку' }).click();
    await citizen.getByText('Спасибо за оценку!').waitFor({ timeout: TIMEOUT });
    await citizen.getByRole('button', { name: 'Мои обращения' }).click();
    const ticket = citizen.getByRole('listitem').filter({ hasText: number });
    await ticket.getByText('Завершено').first().waitFor({ timeout: TIMEOUT });
    violations.requests = await axeViolations(citizen);
    // Writing again starts a new conversation with the bot: the closed one's status and thanks go.
    await citizen.getByRole('button', { name: 'Переписка' }).click();
    const closedStatus = (await citizen.locator('#sc-panel > .status').textContent()) ?? '';
    const answersBefore = await botMessages(citizen).count();
    await send(citizen, 'до скольки работает МФЦ');
    await atLeast(botMessages(citizen), answersBefore + 1);
    await citizen.getByRole('log').getByText('до скольки работает МФЦ').waitFor({ timeout: TIMEOUT });
    const afterNewMessage = {
      status: (await citizen.locator('#sc-panel > .status').textContent()) ?? '',
      thanks: await citizen.getByText('Спасибо за оценку!').count(),
    };

    // Assess
    expect(suggested?.length).toBeGreaterThan(3);
    expect(wrongCode).toContain('Осталось попыток: 2');
    expect(number).toMatch(/^GU-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(queuedText).toContain('Вы в очереди');
    expect(queuedAgain).toContain(number);
    expect(afterReload).toContain('Вы в очереди');
    expect(unread).toBeLessThanOrEqual(2);
    expect(logBox?.height).toBeGreaterThanOrEqual(100);
    expect((askBox?.y ?? 0) + (askBox?.height ?? 0)).toBeLessThanOrEqual(
      (panelBox?.y ?? 0) + (panelBox?.height ?? 0),
    );
    expect(awaitedAfterReload).toBe(awaitedStatus);
    expect(awaitedStatus).toMatch(/^Вам отвечает \S+\. Ожидается: скан паспорта до 15\.01\.2027/);
    expect(closedStatus).toBe('Обращение закрыто. Комментарий специалиста: «Код пришёл, вопрос решён.»');
    expect(afterNewMessage).toEqual({ status: '', thanks: 0 });
    expect(answersBefore).toBeGreaterThan(0);
    expect(titleWhileNew).toMatch(/^\(\d+\) Консоль оператора$/);
    expect(titleAccepted).toBe('Консоль оператора');
    expect(withOperator).toContain('Вам отвечает');
    expect(canned.length).toBeGreaterThan(20);
    expect(noteShown).toContain('Внутренняя заметка — гражданин её не видит');
    expect(closedDesk.note).toBeGreaterThan(0);
    expect(closedDesk.forms).not.toContain('Отправить');
    expect(closedDesk.forms).not.toContain('Изменить статус');
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

  it('shows in «Мои обращения» what is awaited and by when, then a refusal with its reason and alternatives, live', async () => {
    // Prepare: a ticket of the portal form, which an operator moves to waiting.
    const email = uniqueEmail('portal-wait');
    const created = (await (
      await fetch(`${httpUrl}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          contact: email,
          text: 'Не проходит оплата пошлины',
          category: 'applications',
        }),
      })
    ).json()) as { ticketId: string; number: string };
    const signed = await createAndSignIn(httpUrl, `web-wait-${randomUUID().slice(0, 8)}`, ['operator']);
    const staff = await ChatClient.connect(wsUrl, { token: signed.idToken });
    const setStatus = (frame: Record<string, unknown>) =>
      staff.request({ action: 'ticket.setStatus', ticketId: created.ticketId, ...frame });
    await setStatus({ status: 'in_progress' });
    await setStatus({
      status: 'waiting',
      waitingFor: { what: 'скан квитанции', until: '2027-01-15T12:00:00Z' },
    });
    const { page } = await newPage(360, 740);

    // Act: the citizen identifies with the same e-mail; meanwhile the operator refuses.
    await openWidget(page);
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(email);
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    await page.getByRole('textbox', { name: 'Код из сообщения' }).fill(await codeFromOutbox(httpUrl, email));
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    const ticket = page.getByRole('listitem').filter({ hasText: created.number });
    await ticket.getByText('Ожидается:').waitFor({ timeout: TIMEOUT });
    const waiting = await ticket.textContent();
    // The citizen opens its history from the keyboard: the live update that follows leaves it open, focused.
    await ticket.getByText('История').focus();
    await page.keyboard.press('Enter');
    await setStatus({
      status: 'rejected',
      rejectReason: {
        reason: 'Оплата проходит на портале банка',
        alternatives: ['Оплатить в банке', 'Оплатить в МФЦ'],
      },
    });
    await ticket.getByText('Причина отказа:').waitFor({ timeout: TIMEOUT });
    const refused = await ticket.textContent();
    const historyAfterUpdate = await ticket.locator('details').evaluate((details) => ({
      open: details.hasAttribute('open'),
      focused:
        (details.getRootNode() as { activeElement: unknown }).activeElement ===
        details.querySelector('summary'),
    }));
    const historyEntries = await ticket.locator('details ol > li').count();
    const alternatives = await ticket.getByRole('list').first().getByRole('listitem').allTextContents();
    const violations = await axeViolations(page);
    await staff.close();

    // Assess
    expect(waiting).toContain('Ожидание');
    expect(waiting).toMatch(/Ожидается: скан квитанции до 15\.01\.2027/);
    expect(historyAfterUpdate).toEqual({ open: true, focused: true });
    expect(historyEntries).toBe(4); // received, in progress, waiting, rejected
    expect(refused).toContain('Отказ');
    expect(refused).toContain('Причина отказа: Оплата проходит на портале банка');
    expect(refused).toContain('Что можно сделать');
    expect(alternatives).toEqual(['Оплатить в банке', 'Оплатить в МФЦ']);
    expect(violations).toEqual([]);
  });

  it('say every identification error in words, the lock with its countdown', async () => {
    // Prepare
    const { page } = await newPage(360, 740);
    await openWidget(page);
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    // A contact that is neither a mobile number nor an e-mail address is said to be so.
    const badContact: string[] = [];
    for (const typed of ['123', 'ivanov@']) {
      await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(typed);
      await page.getByRole('button', { name: 'Получить код' }).click();
      badContact.push(
        (await page
          .getByRole('alert')
          .filter({ hasText: 'Это не похоже' })
          .filter({ hasText: typed === '123' ? 'телефон' : 'почты' })
          .textContent({ timeout: TIMEOUT })) ?? '',
      );
    }
    const focusAfterBadContact = await page.locator('input:focus').getAttribute('id');
    const contact = uniqueEmail('locked');
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(contact);
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    // The button waits out its countdown: the focus is where the code is typed.
    const focusAfterSend = await page.locator('input:focus').getAttribute('id');
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    const wrong = async () => {
      await page.getByRole('textbox', { name: 'Код из сообщения' }).fill('000000');
      await page.getByRole('button', { name: 'Подтвердить' }).click();
    };

    // Act: a reload forgets the resend countdown, not the limit: asking again at once is refused, in
    // words; then three wrong codes (the refusal's countdown does not cover their answers).
    await page.reload();
    await page.getByRole('button', { name: 'Поддержка', exact: true }).click();
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(contact);
    await page.getByRole('button', { name: 'Получить код' }).click();
    const tooOften = await page
      .getByRole('alert')
      .filter({ hasText: 'Слишком часто' })
      .textContent({ timeout: TIMEOUT });
    await wrong();
    const first = await page
      .getByRole('alert')
      .filter({ hasText: 'Осталось попыток: 2' })
      .textContent({ timeout: TIMEOUT });
    const focusAfterWrong = await page.locator('input:focus').getAttribute('id');
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
    expect(badContact).toEqual([
      'Это не похоже на номер мобильного телефона. Введите его полностью, например +7 916 123-45-67.',
      'Это не похоже на адрес электронной почты. Проверьте его, например ivanov@mail.ru.',
    ]);
    expect(focusAfterBadContact).toBe('sc-contact');
    expect(focusAfterSend).toBe('sc-code');
    expect(focusAfterWrong).toBe('sc-code');
    expect(first).toBe('Неверный код. Осталось попыток: 2.');
    expect(second).toBe('Неверный код. Осталось попыток: 1.');
    expect(locked).toMatch(/^Слишком много неверных кодов\. Попробуйте через 1[45] мин \d+ с\.$/);
    expect(later).not.toBe(locked);
    expect(tooOften).toMatch(/^Слишком часто\. Попробуйте через \d+ с\.$/);
    expect(violations).toEqual([]);
  });

  it('switch the widget to English, names and all, and the session with it', async () => {
    // Prepare
    const { page } = await newPage(360, 740);
    await openWidget(page);

    // Act
    await page.getByRole('button', { name: 'Switch to English' }).click();
    // Drawn anew in English, the panel keeps the focus on the language button.
    const focused = await page.locator('button:focus').getAttribute('aria-label');
    await page.getByRole('textbox', { name: 'Message' }).fill('I forgot my password');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await atLeast(botMessages(page), 1);
    const answer = await botMessages(page).first().textContent();
    const launcher = await page.getByRole('button', { name: 'Support', exact: true }).count();
    const violations = await axeViolations(page);

    // Assess
    expect(launcher).toBe(1);
    expect(focused).toBe('Переключить на русский');
    expect(answer).toMatch(/[a-z]{4}/i);
    expect(answer).not.toMatch(/[а-я]{4}/i);
    expect(violations).toEqual([]);
  }, 60_000);

  it('greet a new visitor with topics to start from, outside the conversation: a topic is asked as their question and answered, and the conversation takes the greeting’s place, also after a reload', async () => {
    // Prepare: what the bot answers for the topic, from the knowledge base it is built from.
    const documents = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../../layers/knowledge-base/kb/documents.how_to_get.json'),
        'utf8',
      ),
    ) as { answer: { ru: string } };
    const { page } = await newPage(360, 740);
    await openWidget(page);
    const greeting = page.locator('.intro');
    const topics = page.getByRole('group', { name: 'Темы' }).getByRole('button');

    // Act 1: the greeting and its topics, in Russian and in English.
    const greeted = await greeting.locator('.text').textContent({ timeout: TIMEOUT });
    const topicsRu = await topics.allTextContents();
    const logBefore = await page.getByRole('log').textContent();
    const placeholder = await page.getByRole('textbox', { name: 'Сообщение' }).getAttribute('placeholder');
    const violations = await axeViolations(page);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    const topicsEn = await page.getByRole('group', { name: 'Topics' }).getByRole('button').allTextContents();
    await page.getByRole('button', { name: 'Переключить на русский' }).click();

    // Act 2: a topic, picked.
    await topics.filter({ hasText: 'Как получить документ' }).click();
    await atLeast(botMessages(page), 1);
    const asked = await page.getByRole('log').locator('.msg.citizen .text').first().textContent();
    const answer = await botMessages(page).first().locator('.text').textContent();
    const afterTopic = {
      greeting: await greeting.isVisible(),
      topics: await topics.count(),
      focused: await page.locator('textarea:focus').count(),
    };

    // Act 3: reloaded, the conversation comes back from its history.
    await page.reload();
    await page.getByRole('button', { name: 'Поддержка', exact: true }).click();
    await atLeast(botMessages(page), 1);
    const greetingAfterReload = await greeting.isVisible();

    // Assess
    expect(greeted).toMatch(/^Здравствуйте!/);
    expect(placeholder).toBe('Напишите вопрос');
    expect(topicsRu).toContain('Как получить документ');
    expect(logBefore).toBe('');
    expect(topicsEn).toHaveLength(topicsRu.length);
    expect(topicsEn.join(' ')).not.toMatch(/[а-я]/i);
    expect(asked).toBe('Как получить документ');
    expect(answer).toContain(documents.answer.ru.split('\n')[0]);
    expect(afterTopic).toEqual({ greeting: false, topics: 0, focused: 1 });
    expect(greetingAfterReload).toBe(false);
    expect(violations).toEqual([]);
  }, 60_000);

  it('keep the keyboard within the chat where it covers a phone’s screen, and let it on to the page on a wide one', async () => {
    // Prepare
    const inWidget = async (page: Page) =>
      (await page.evaluate('document.activeElement?.tagName')) === 'SUPPORT-CHAT';
    const { page: phone } = await newPage(360, 740);
    const { page: desktop } = await newPage(1280, 800);
    for (const page of [phone, desktop]) await openWidget(page);

    // Act: round the phone's panel forwards and backwards, and out of the desktop's.
    const forwards: boolean[] = [];
    for (let i = 0; i < 30; i++) {
      await phone.keyboard.press('Tab');
      forwards.push(await inWidget(phone));
    }
    const backwards: boolean[] = [];
    for (let i = 0; i < 30; i++) {
      await phone.keyboard.press('Shift+Tab');
      backwards.push(await inWidget(phone));
    }
    let leftDesktop = false;
    for (let i = 0; i < 30 && !leftDesktop; i++) {
      await desktop.keyboard.press('Tab');
      leftDesktop = !(await inWidget(desktop));
    }

    // Assess
    expect(forwards.every(Boolean)).toBe(true);
    expect(backwards.every(Boolean)).toBe(true);
    expect(leftDesktop).toBe(true);
  });

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
    // The page's timers run on Playwright's clock, in real time but for one jump: the 10 s the widget
    // waits for an ack pass at once once the ack is lost, instead of 10 s of the suite.
    await page.clock.install();

    // Act
    await openWidget(page);
    await send(page, text);
    await expect.poll(() => lost.length, { timeout: TIMEOUT }).toBe(1);
    await page.clock.fastForward(10_000);
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

  it('shows one citizen the same conversation in two tabs, and a message that looks like HTML as text; what came while another view was shown is in view on coming back', async () => {
    // Prepare
    const { context, page: first } = await newPage();
    const dialogs: string[] = [];
    await openWidget(first);
    await send(first, 'Здравствуйте, пишу из первой вкладки');
    await atLeast(botMessages(first), 1);
    const second = await context.newPage();
    for (const page of [first, second])
      page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));

    // Act: the second tab resumes the session and sends markup, while the first shows the MFC booking.
    await first.getByRole('navigation').getByRole('button', { name: 'Записаться в МФЦ' }).click();
    await openWidget(second);
    await second
      .getByRole('log')
      .getByText('Здравствуйте, пишу из первой вкладки')
      .waitFor({ timeout: TIMEOUT });
    const markup = '<img src=x onerror=alert(1)> https://example.org/x';
    await send(second, markup);
    await atLeast(botMessages(second), 2);
    await atLeast(first.locator('.log .msg.bot'), 2); // arrived in the first tab, its log hidden
    await first.getByRole('navigation').getByRole('button', { name: 'Переписка' }).click();
    await first.getByRole('log').getByText(markup).waitFor({ timeout: TIMEOUT });
    const belowView = await first.getByRole('log').evaluate((log) => ({
      hidden: log.scrollHeight - log.scrollTop - log.clientHeight,
      overflow: log.scrollHeight > log.clientHeight,
    }));
    const images = await first.getByRole('log').locator('img').count();
    const links = await first.getByRole('log').getByRole('link').count();
    const seqsFirst = await shownSeqs(first);
    const seqsSecond = await shownSeqs(second);

    // Assess
    expect(images).toBe(0);
    expect(links).toBe(0); // the citizen's own address below stays text
    expect(dialogs).toEqual([]);
    expect(belowView.overflow).toBe(true);
    expect(belowView.hidden).toBeLessThanOrEqual(1);
    expect(seqsFirst).toEqual(seqsFirst.map((_, i) => i + 1));
    expect(seqsSecond.slice(0, seqsFirst.length)).toEqual(seqsFirst.slice(0, seqsSecond.length));
  }, 60_000);

  it('gives a verified citizen their conversation as a file with «Скачать переписку»', async () => {
    // Prepare: a verified citizen who wrote something that looks like markup.
    const { context, page } = await newPage();
    await openWidget(page);
    const text = `<b>моя переписка</b> ${randomUUID().slice(0, 8)}`;
    await send(page, text);
    await atLeast(botMessages(page), 1);
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    const email = uniqueEmail('transcript');
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(email);
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    await page.getByRole('textbox', { name: 'Код из сообщения' }).fill(await codeFromOutbox(httpUrl, email));
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByRole('heading', { name: 'Мои обращения' }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();

    // Act: the button, found by its name (S3 sends the file as a download; the emulator shows it in a new tab).
    const opened = context.waitForEvent('page', { timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Скачать переписку' }).click();
    const transcript = await opened;
    await transcript.waitForLoadState();

    // Assess: the citizen's own words, as text; the chat stayed where it was.
    expect(await transcript.content()).toContain(`&lt;b&gt;моя переписка&lt;/b&gt; ${text.slice(-8)}`);
    expect(page.url()).toContain(httpUrl);
  }, 60_000);

  it('brings the other tab along when one tab identifies, and signs both out with «Выйти»', async () => {
    // Prepare: one citizen's conversation open in two tabs of one browser.
    const { context, page: first } = await newPage();
    await openWidget(first);
    await send(first, 'Здравствуйте, войду и выйду');
    await atLeast(botMessages(first), 1);
    const second = await context.newPage();
    await openWidget(second);
    await second.getByRole('log').getByText('Здравствуйте, войду и выйду').waitFor({ timeout: TIMEOUT });

    // Act 1: the first tab identifies. The server closes the second tab's connection, which comes
    // back with the token the first tab stored.
    await first.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    const email = uniqueEmail('tabs');
    await first.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(email);
    await first.getByRole('button', { name: 'Получить код' }).click();
    await first.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    await first.getByRole('textbox', { name: 'Код из сообщения' }).fill(await codeFromOutbox(httpUrl, email));
    await first.getByRole('button', { name: 'Подтвердить' }).click();
    await first.getByRole('heading', { name: 'Мои обращения' }).waitFor({ timeout: TIMEOUT });
    await second.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await second.getByText('Вы подтвердили личность.').waitFor({ timeout: TIMEOUT });

    // Act 2: the second tab signs out.
    await second.getByRole('button', { name: 'Выйти', exact: true }).click();
    await second.getByText('Вы вышли. Переписка на этом устройстве закрыта.').waitFor({ timeout: TIMEOUT });
    const focusAfterSignOut = await second
      .getByRole('textbox', { name: 'Сообщение' })
      .evaluate((field) => (field.getRootNode() as { activeElement: unknown }).activeElement === field);

    // Assess: both tabs show nothing of the conversation and hold no token, but the greeting of a
    // new visitor; the first is a guest again.
    for (const page of [first, second]) {
      await page
        .getByRole('log')
        .getByText('Здравствуйте, войду и выйду')
        .waitFor({ state: 'detached', timeout: TIMEOUT });
      expect(await page.evaluate(() => localStorage.getItem('support-chat.resumeToken'))).toBeNull();
      await page.getByRole('group', { name: 'Темы' }).waitFor({ timeout: TIMEOUT });
    }
    await first.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await first.getByRole('button', { name: 'Получить код' }).waitFor({ timeout: TIMEOUT });
    expect(focusAfterSignOut).toBe(true);
  }, 60_000);
});

/** Real tokens of the local pool for `username`: what the stand-in for Cognito hands out at the end. */
async function localTokens(username: string, password: string): Promise<Record<string, unknown>> {
  const { cognito } = await publicConfig(httpUrl);
  const response = await fetch(cognito.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      ClientId: cognito.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const answer = (await response.json()) as { AuthenticationResult?: Record<string, unknown> };
  if (!answer.AuthenticationResult) throw new Error(`the local pool did not sign ${username} in`);
  return answer.AuthenticationResult;
}

/**
 * The console of `page` signs in as in AWS: config.json without `local` (so SRP), and Cognito's
 * origin answered by `fake` (CORS as Cognito answers it); a refresh goes on to the local pool.
 */
async function useChallengingCognito(page: Page, fake: ChallengingCognito): Promise<void> {
  const config = (await (await fetch(`${httpUrl}/config.json`)).json()) as {
    cognito: { endpoint: string; local?: boolean };
    devAccounts?: unknown;
  };
  delete config.cognito.local;
  delete config.devAccounts;
  await page.route(`${httpUrl}/config.json`, (route) => route.fulfill({ json: config }));
  const origin = new URL(config.cognito.endpoint).origin;
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent',
    'access-control-allow-methods': 'POST',
  };
  await page.route(
    (url) => url.origin === origin,
    async (route) => {
      const request = route.request();
      if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      const target = String(request.headers()['x-amz-target']).split('.').pop() ?? '';
      const answer = await fake.handle(target, request.postDataJSON() as Record<string, unknown>);
      if (answer === 'forward') return route.continue();
      await route.fulfill({
        status: answer.status,
        headers: cors,
        contentType: 'application/x-amz-json-1.1',
        body: JSON.stringify(answer.body),
      });
    },
  );
}

/** A code `secret` does not give now (nor 30 s either side). */
function wrongTotp(secret: string): string {
  const near = [-30_000, 0, 30_000].map((skew) => totp(secret, Date.now() + skew));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.includes(code)) return code;
  }
}

/**
 * A citizen (a socket of their own) identified by phone, who complains about an employee (the
 * `legal` queue, operators only) and skips the intake: the conversation and its ticket's number.
 */
/**
 * In the console: completes the ticket of a conversation the operator holds, which closes it, so
 * that no test leaves a conversation in the line for the next one's operator to be offered.
 */
async function completeHeld(page: Page, number: string): Promise<void> {
  await page.getByRole('button', { name: `Открыть ${number}` }).click({ timeout: TIMEOUT });
  await page.getByLabel('Статус обращения', { exact: true }).selectOption('completed');
  await page.getByRole('button', { name: 'Изменить статус' }).click();
  await page.getByRole('heading', { name: 'Статус обращения: Завершено' }).waitFor({ timeout: TIMEOUT });
}

/** In the console: only complaints among the skills ticked, then on line, connected. */
/** Signs `username` in to the console on `page` with the local pool's password. */
async function consoleSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${httpUrl}/console/`);
  await page.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
  await page.getByLabel('Пароль', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
}

async function onLineForComplaints(page: Page): Promise<void> {
  for (const skill of ['Вход и учётная запись', 'Заявления', 'Документы', 'МФЦ', 'Общие вопросы'])
    await page.getByRole('checkbox', { name: skill }).uncheck();
  await page.getByRole('radio', { name: 'На линии' }).check();
  await page.getByRole('status').filter({ hasText: 'Подключено' }).waitFor({ timeout: TIMEOUT });
}

async function identifyBy(citizen: ChatClient, phone: string): Promise<void> {
  await citizen.request({ action: 'auth.requestCode', phone });
  const verified = await citizen.request({
    action: 'auth.verifyCode',
    code: await codeFromOutbox(httpUrl, phone),
  });
  if (verified.type !== 'auth.verified') throw new Error(`not verified: ${JSON.stringify(verified)}`);
}

/** A citizen who identifies with `phone` (a guest with none) and asks for a person about a complaint. */
async function complainingCitizen(phone?: string): Promise<{ citizen: ChatClient; number: string }> {
  const citizen = await ChatClient.connect(wsUrl, { lang: 'ru' });
  if (phone) await identifyBy(citizen, phone);
  await citizen.request({
    action: 'message.send',
    clientMessageId: randomUUID(),
    text: 'хочу подать жалобу на сотрудника',
  });
  await frameWith(
    citizen,
    (f) => f.type === 'message' && f.from === 'bot' && f.intent === undefined,
    TIMEOUT,
  );
  await citizen.request({ action: 'message.send', clientMessageId: randomUUID(), text: 'пропустить всё' });
  // The ticket's number comes with the place in line, or with the ticket's move to an operator who was free.
  const queued = await frameWith(
    citizen,
    (f) => (f.ticket as { number?: string } | undefined)?.number !== undefined,
    TIMEOUT,
  );
  return { citizen, number: String((queued.ticket as { number: string }).number) };
}

describe('the operator console', () => {
  it('goes online with the skills it shows ticked, not those an earlier session stored', async () => {
    // Prepare: the operator's earlier session (a script, as the README's) stored `general` only.
    const username = `web-skills-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    const signed = await signIn(httpUrl, username, password);
    const script = await ChatClient.connect(wsUrl, { token: signed.idToken, lang: 'ru' });
    await script.request({ action: 'operator.status', status: 'online', skills: ['general'] });
    await script.request({ action: 'operator.status', status: 'offline' });
    await script.close();
    const { page } = await newPage();
    await page.goto(`${httpUrl}/console/`);
    await page.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
    await page.getByLabel('Пароль', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('status').filter({ hasText: 'Подключено' }).waitFor({ timeout: TIMEOUT });
    const shownTicked = await page.getByRole('checkbox', { checked: true }).count();

    // Act: online, no box touched.
    await page.getByRole('radio', { name: 'На линии' }).check();
    const stored = await itemWhen(
      'OPERATORS_TABLE',
      { operatorId: signed.sub },
      (o) => o.status === 'online',
    );
    const tickedOnline = await page.getByRole('checkbox', { checked: true }).count();
    await page.getByRole('radio', { name: 'Не в сети' }).check();

    // Assess: every queue the page showed ticked is the operator's.
    expect(shownTicked).toBe(6);
    expect([...(stored.skills as Iterable<string>)].sort()).toEqual(
      ['applications', 'auth', 'documents', 'general', 'legal', 'mfc'].sort(),
    );
    expect(tickedOnline).toBe(6);
  });

  it('signs in with SRP through a new password, the TOTP set-up with its QR code and a TOTP code, each error in words', async () => {
    // Prepare: a real operator of the local pool (whose tokens end the sign-in) and the stand-in for
    // Cognito's SRP and MFA challenges, which the local Cognito does not raise (fake-cognito.ts).
    const username = `web-mfa-${randomUUID().slice(0, 8)}`;
    const realPassword = await createStaffUser(httpUrl, username, ['operator']);
    const { cognito: pool } = await publicConfig(httpUrl);
    const temporary = `Temp-${randomUUID()}-1aA!`;
    const newPassword = `New-${randomUUID()}-9bQ!`;
    const fake = new ChallengingCognito({
      userPoolId: pool.userPoolId,
      login: username,
      userId: randomUUID(),
      temporaryPassword: temporary,
      tokens: () => localTokens(username, realPassword),
    });
    const { page } = await newPage();
    const watch = watchPage(page);
    await useChallengingCognito(page, fake);
    const violations: Record<string, string[]> = {};
    const alertText = (text: string | RegExp) =>
      page.getByRole('alert').filter({ hasText: text }).textContent({ timeout: TIMEOUT });
    const signIn = async (password: string) => {
      await page.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
      await page.getByLabel('Пароль', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Войти' }).click();
    };

    // Act 1: a wrong password, then the temporary one; a new password the policy refuses, then one it takes.
    await page.goto(`${httpUrl}/console/`);
    await signIn(`${temporary}x`);
    const wrongPassword = await alertText('Не удалось войти');
    await signIn(temporary);
    await page.getByLabel('Новый пароль').fill('short-1A!');
    await page.getByRole('button', { name: 'Сохранить пароль' }).click();
    const weakPassword = await alertText('Пароль не подходит');
    violations.newPassword = await axeViolations(page);
    await page.getByLabel('Новый пароль').fill(newPassword);
    await page.getByRole('button', { name: 'Сохранить пароль' }).click();

    // Act 2: the TOTP set-up: the QR code and the key as text; a wrong code, then the right one.
    const qr = page.getByRole('img', { name: 'QR-код ключа для приложения-аутентификатора' });
    await qr.waitFor({ timeout: TIMEOUT });
    violations.mfaSetup = await axeViolations(page);
    const secretShown = await page.locator('.totp-secret').textContent();
    const link = await page.getByRole('link', { name: /Открыть ключ в приложении/ }).getAttribute('href');
    const modules = await qr.evaluate((canvas) => {
      const c = canvas as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } };
      };
      const px = 4;
      const size = c.width / px;
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      return Array.from({ length: size }, (_, y) =>
        Array.from(
          { length: size },
          (_, x) => (data[((y * px + 2) * c.width + x * px + 2) * 4] ?? 255) < 128,
        ),
      );
    });
    const secret = fake.secret ?? '';
    await page.getByRole('textbox', { name: 'Код из приложения' }).fill(wrongTotp(secret));
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    const wrongSetupCode = await alertText('Неверный код');
    await page.getByRole('textbox', { name: 'Код из приложения' }).fill(totp(secret));
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByRole('radio', { name: 'На линии' }).waitFor({ timeout: TIMEOUT });

    // Act 3: signed out, in again: password (SRP), then the code from the app.
    await page.getByRole('button', { name: 'Выйти' }).click();
    await signIn(newPassword);
    await page.getByRole('textbox', { name: 'Код из приложения' }).fill(wrongTotp(secret));
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    const wrongCode = await alertText('Неверный код');
    violations.totp = await axeViolations(page);
    await page.getByRole('textbox', { name: 'Код из приложения' }).fill(totp(secret));
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByRole('radio', { name: 'На линии' }).waitFor({ timeout: TIMEOUT });
    const connected = await page
      .getByRole('status')
      .filter({ hasText: 'Подключено' })
      .textContent({ timeout: TIMEOUT });

    // Assess
    const expectedUri = `otpauth://totp/SupportChat:${encodeURIComponent(username)}?secret=${secret}&issuer=SupportChat`;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(secretShown).toBe(secret);
    expect(link).toBe(expectedUri);
    expect(modules).toEqual(encode(expectedUri, { ecc: 'M', border: 4 }).data);
    expect(wrongPassword).toBe('Не удалось войти: проверьте имя пользователя и пароль.');
    expect(weakPassword).toMatch(/^Пароль не подходит: не короче 14 символов/);
    expect(wrongSetupCode).toBe(
      'Неверный код из приложения. Проверьте время на телефоне и введите новый код.',
    );
    expect(wrongCode).toBe(wrongSetupCode);
    expect(connected).toBe('Подключено');
    expect(
      fake.calls.map((c) => `${c.target} ${c.body.AuthFlow ?? c.body.ChallengeName ?? ''}`.trim()),
    ).toEqual([
      'InitiateAuth USER_SRP_AUTH',
      'RespondToAuthChallenge PASSWORD_VERIFIER',
      'InitiateAuth USER_SRP_AUTH',
      'RespondToAuthChallenge PASSWORD_VERIFIER',
      'RespondToAuthChallenge NEW_PASSWORD_REQUIRED',
      'RespondToAuthChallenge NEW_PASSWORD_REQUIRED',
      'AssociateSoftwareToken',
      'VerifySoftwareToken',
      'VerifySoftwareToken',
      'RespondToAuthChallenge MFA_SETUP',
      'InitiateAuth USER_SRP_AUTH',
      'RespondToAuthChallenge PASSWORD_VERIFIER',
      'RespondToAuthChallenge SOFTWARE_TOKEN_MFA',
      'RespondToAuthChallenge SOFTWARE_TOKEN_MFA',
    ]);
    expect(fake.unexpected).toEqual([]);
    // SRP: no password ever goes to Cognito, only the new one where the protocol sends it.
    const sent = JSON.stringify(fake.calls);
    expect(sent).not.toContain(temporary);
    expect(sent.split(newPassword)).toHaveLength(2);
    expect(violations).toEqual({ newPassword: [], mfaSetup: [], totp: [] });
    expect(watch.errors).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
  }, 60_000);

  it('keeps what the operator holds across a token refresh, announces in the background, and shows the citizen card with their other tickets', async () => {
    // Prepare: a citizen (by phone) with an earlier ticket of the portal form; an operator for complaints
    // whose page clock the test moves, in a tab that can be put in the background, notifications allowed.
    const phone = `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    const earlier = (await (
      await fetch(`${httpUrl}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contact: phone, text: 'Не пришла справка', category: 'documents' }),
      })
    ).json()) as { ticketId: string; number: string };
    const username = `web-bg-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    const { context, page } = await newPage(1280, 900);
    await context.grantPermissions(['notifications'], { origin: httpUrl });
    await watchBackground(page);
    await page.clock.install();
    const watch = watchPage(page);
    const socketTokens: string[] = [];
    page.on('websocket', (socket) =>
      socketTokens.push(new URL(socket.url()).searchParams.get('token') ?? ''),
    );
    const refreshes: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && /InitiateAuth$/.test(request.headers()['x-amz-target'] ?? ''))
        refreshes.push(String((request.postDataJSON() as { AuthFlow?: string }).AuthFlow));
    });
    await page.goto(`${httpUrl}/console/`);
    await page.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
    await page.getByLabel('Пароль', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await onLineForComplaints(page);

    // Act 1: in the background, a conversation is assigned.
    await setHidden(page, true);
    const { citizen, number } = await complainingCitizen(phone);
    const accept = page.getByRole('button', { name: `Принять ${number}` });
    await accept.waitFor({ timeout: TIMEOUT });
    const titleNew = await page.title();
    const announcedNew = await notifications(page);
    const offerLine = await page.getByRole('listitem').filter({ has: accept }).textContent();
    // The offer read before it is taken: the intake and the citizen, and a way to take it.
    await page.getByRole('button', { name: `Посмотреть ${number}` }).click();
    const previewed = {
      card: await page.getByRole('region', { name: 'Гражданин' }).isVisible(),
      take: await page.getByRole('button', { name: 'Принять и ответить' }).isVisible(),
      reply: await page.getByRole('textbox', { name: 'Ответ' }).count(),
      // The focus on what was asked for, not on «Принять».
      focused: await page.evaluate(
        'document.activeElement?.tagName + " " + document.activeElement?.textContent',
      ),
    };
    await setHidden(page, false);
    await takeOffer(page, number);
    const card = page.getByRole('region', { name: 'Гражданин' });
    await card.getByText(earlier.number).waitFor({ timeout: TIMEOUT });
    const cardText = await card.textContent();
    const otherTickets = await card.getByRole('listitem').allTextContents();
    const deskViolations = await axeViolations(page);

    // Act 2: the ID token nears its end (the page's clock runs ahead to 4 minutes before it): renewed, reconnected.
    const first = claimsOf(socketTokens[0] ?? '');
    await page.clock.fastForward((Number(first.exp) - Number(first.iat) - 4 * 60) * 1000);
    const deadline = Date.now() + TIMEOUT;
    while (socketTokens.length < 2 && Date.now() < deadline) await page.waitForTimeout(100);
    await page.getByRole('status').filter({ hasText: 'Подключено' }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: `Открыть ${number}` }).waitFor({ timeout: TIMEOUT });

    // Act 3: in the background again, the citizen writes: over the new connection, badge and notification.
    // The operator had reached the conversation's button with the keyboard: the list drawn anew keeps it.
    await page.getByRole('button', { name: `Открыть ${number}` }).focus();
    await setHidden(page, true);
    await citizen.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: 'Есть новости по жалобе?',
    });
    await page.getByRole('log').getByText('Есть новости по жалобе?').waitFor({ timeout: TIMEOUT });
    const titleMessage = await page.title();
    const unreadWhileHidden = await page.getByText(/^непрочитанных: \d+$/).textContent();
    const announced = await notifications(page);
    await setHidden(page, false);
    const titleBack = await page.title();
    const focusedAfter = await page.evaluate('document.activeElement?.getAttribute("aria-label")');
    const transcript = await page.getByRole('log').textContent();
    await completeHeld(page, number);
    await page.getByRole('radio', { name: 'Не в сети' }).check();
    await citizen.close();

    // Assess
    expect(titleNew).toBe('(1) Консоль оператора');
    // The offer counts down to its `acceptBy`.
    expect(offerLine).toMatch(/принять в течение 0:[0-5]\d/);
    expect(previewed).toEqual({ card: true, take: true, reply: 0, focused: `H2 Обращение ${number}` });
    expect(announcedNew).toEqual([{ title: 'Консоль оператора', body: 'Новое обращение' }]);
    expect(cardText).toContain('Личность подтверждена');
    expect(cardText).toContain(`+7 ********${phone.slice(-2)}`);
    expect(cardText).not.toContain(phone.slice(2));
    // Their other tickets: the earlier one of the portal form, not this conversation's.
    expect(otherTickets).toEqual([
      expect.stringMatching(new RegExp(`^${earlier.number} — Получено — \\d{2}\\.\\d{2}\\.\\d{4}`)),
    ]);
    expect(deskViolations).toEqual([]);
    expect(socketTokens).toHaveLength(2);
    expect(socketTokens[1]).not.toBe(socketTokens[0]);
    expect(claimsOf(socketTokens[1] ?? '').sub).toBe(first.sub);
    expect(refreshes).toEqual(['USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH']);
    expect(transcript).toContain('хочу подать жалобу на сотрудника');
    expect(titleMessage).toBe('(1) Консоль оператора');
    expect(unreadWhileHidden).toBe('непрочитанных: 1');
    expect(announced.at(-1)).toEqual({ title: 'Консоль оператора', body: 'Новое сообщение гражданина' });
    expect(titleBack).toBe('Консоль оператора');
    expect(focusedAfter).toBe(`Открыть ${number}`);
    expect(watch.errors).toEqual([]);
  }, 90_000);
  it('shows the queues off line, and keeps an operator signed in, on line and holding their conversation across a reload of the console; signing out forgets it', async () => {
    // Prepare: an operator for complaints, on line, holding a citizen's conversation.
    const username = `web-reload-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    const { page } = await newPage(1280, 900);
    const watch = watchPage(page);
    await page.goto(`${httpUrl}/console/`);
    await page.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
    // A wrong password first: said as such, not as the rules of a new password.
    await page.getByLabel('Пароль', { exact: true }).fill(`${password}-wrong`);
    await page.getByRole('button', { name: 'Войти' }).click();
    const wrongPassword = await page.getByRole('alert').textContent({ timeout: TIMEOUT });
    await page.getByLabel('Пароль', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
    // Off line still, the queues' numbers are shown (is it time to go on line?).
    await page.getByRole('region', { name: 'Очереди' }).getByRole('table').waitFor({ timeout: TIMEOUT });
    await onLineForComplaints(page);
    const phone = `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    const { citizen, number } = await complainingCitizen(phone);
    await takeOffer(page, number);
    await page.getByRole('button', { name: `Открыть ${number}` }).waitFor({ timeout: TIMEOUT });

    // Act: the page is reloaded.
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Подключено' }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: `Открыть ${number}` }).waitFor({ timeout: TIMEOUT });
    const afterReload = {
      signInForm: await page.getByRole('textbox', { name: 'Имя пользователя' }).count(),
      online: await page.getByRole('radio', { name: 'На линии' }).isChecked(),
      complaintsOnly: await page.getByRole('checkbox', { name: 'Общие вопросы' }).isChecked(),
    };
    // Then signs out and reloads: the sign-in form, nothing kept.
    await completeHeld(page, number);
    await page.getByRole('radio', { name: 'Не в сети' }).check();
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.reload();
    await page.getByRole('textbox', { name: 'Имя пользователя' }).waitFor({ timeout: TIMEOUT });
    const stored = await page.evaluate(() => sessionStorage.getItem('support-console.session'));
    await citizen.close();

    // Assess
    expect(wrongPassword).toBe('Не удалось войти: проверьте имя пользователя и пароль.');
    expect(afterReload).toEqual({ signInForm: 0, online: true, complaintsOnly: false });
    expect(stored).toBeNull();
    expect(watch.errors).toEqual([]);
  }, 60_000);
  it('joins an operator on line in another tab as they are: on line, their skills, the conversation they hold', async () => {
    // Prepare: an operator for complaints on line in one tab, holding a citizen's conversation.
    const username = `web-tabs-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    const { context, page: first } = await newPage(1280, 900);
    await consoleSignIn(first, username, password);
    await onLineForComplaints(first);
    const { citizen, number } = await complainingCitizen();
    await takeOffer(first, number);

    // Act: the same operator signs in in a second tab.
    const second = await context.newPage();
    await consoleSignIn(second, username, password);
    await second.getByRole('button', { name: `Открыть ${number}` }).waitFor({ timeout: TIMEOUT });
    // The conversation may be drawn before the answer to the status that brought it.
    await second.getByRole('radio', { name: 'На линии', checked: true }).waitFor({ timeout: TIMEOUT });
    const joined = {
      online: await second.getByRole('radio', { name: 'На линии' }).isChecked(),
      complaints: await second.getByRole('checkbox', { name: 'Жалобы' }).isChecked(),
    };
    await completeHeld(first, number);
    await first.getByRole('radio', { name: 'Не в сети' }).check();
    await citizen.close();

    // Assess
    expect(joined.online).toBe(true);
    expect(joined.complaints).toBe(true);
    expect(await second.getByRole('checkbox', { name: 'Общие вопросы' }).isChecked()).toBe(false);
  }, 60_000);

  it('draws the citizen card anew when the citizen identifies during the conversation, leaving a reply being typed alone', async () => {
    // Prepare: an operator for complaints holding a guest's conversation, a reply half typed.
    const username = `web-card-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    const { page } = await newPage(1280, 900);
    await consoleSignIn(page, username, password);
    await onLineForComplaints(page);
    const { citizen, number } = await complainingCitizen();
    await takeOffer(page, number);
    const card = page.getByRole('region', { name: 'Гражданин' });
    await card.getByText('Личность не подтверждена').waitFor({ timeout: TIMEOUT });
    await page.getByRole('textbox', { name: 'Ответ' }).fill('Сейчас проверю');

    // Act: the citizen identifies by phone.
    const phone = `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    await identifyBy(citizen, phone);
    await card.getByText('Личность подтверждена').waitFor({ timeout: TIMEOUT });
    const cardText = (await card.textContent()) ?? '';
    const typed = await page.getByRole('textbox', { name: 'Ответ' }).inputValue();
    // The request's moves, on the card.
    await card.getByText('История обращения').click();
    const moves = await card.locator('.ticket-history li').allTextContents();
    await completeHeld(page, number);
    await page.getByRole('radio', { name: 'Не в сети' }).check();
    await citizen.close();

    // Assess
    expect(cardText).toContain(`+7 ********${phone.slice(-2)}`);
    expect(cardText).not.toContain('не подтверждена');
    expect(typed).toBe('Сейчас проверю');
    expect(moves).toHaveLength(2);
    expect(moves[0]).toMatch(/ — Получено$/);
    expect(moves[1]).toMatch(/ — В работе$/);
  }, 60_000);

  it('shows an operator who let an offer lapse what happened, on screen, until they choose their status again', async () => {
    // Prepare: an operator for complaints, on line.
    const username = `web-missed-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    const { page } = await newPage(1280, 900);
    await consoleSignIn(page, username, password);
    await onLineForComplaints(page);

    // Act: an offer comes and is not accepted within ACCEPT_SECONDS (5 s on the test stack).
    const phone = `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    const { citizen, number } = await complainingCitizen(phone);
    await page.getByRole('button', { name: `Принять ${number}` }).waitFor({ timeout: TIMEOUT });
    const notice = page.locator('.notice');
    await notice.getByText('Обращение не принято вовремя').waitFor({ timeout: TIMEOUT });
    const shown = {
      visible: await notice.isVisible(),
      away: await page.getByRole('radio', { name: 'Отошёл' }).isChecked(),
    };
    await page.getByRole('radio', { name: 'На линии' }).check();
    const afterChoice = await notice.isVisible();
    // Nothing left in the line for the next test: offered again, taken and completed.
    await takeOffer(page, number);
    await completeHeld(page, number);
    await page.getByRole('radio', { name: 'Не в сети' }).check();
    await citizen.close();

    // Assess
    expect(shown).toEqual({ visible: true, away: true });
    expect(afterChoice).toBe(false);
  }, 60_000);
  it('transfers to a senior with a reason; the senior sees the senior queue live, takes it, sets what is awaited and by when, then refuses with a reason and alternatives', async () => {
    // Prepare: an operator for complaints with a citizen's conversation; a senior, online for complaints too.
    const signIn = async (page: Page, role: 'operator' | 'senior') => {
      const username = `web-${role}-${randomUUID().slice(0, 8)}`;
      const password = await createStaffUser(httpUrl, username, [role]);
      await page.goto(`${httpUrl}/console/`);
      await page.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
      await page.getByLabel('Пароль', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Войти' }).click();
      for (const skill of ['Вход и учётная запись', 'Заявления', 'Документы', 'МФЦ', 'Общие вопросы'])
        await page.getByRole('checkbox', { name: skill }).uncheck();
      if (role === 'senior') await page.getByRole('checkbox', { name: 'Старший' }).uncheck();
      await page.getByRole('radio', { name: 'На линии' }).check();
      await page.getByRole('status').filter({ hasText: 'Подключено' }).waitFor({ timeout: TIMEOUT });
    };
    const { page: operator } = await newPage(1280, 900);
    const { page: senior } = await newPage(1280, 900);
    const watches = [watchPage(operator), watchPage(senior)];
    await signIn(operator, 'operator');
    const { citizen, number } = await complainingCitizen(
      `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`,
    );
    await takeOffer(operator, number);
    await signIn(senior, 'senior');
    const seniorRow = senior
      .getByRole('row')
      .filter({ has: senior.getByRole('rowheader', { name: 'Старший' }) });
    const operatorSeniorRows = await operator.getByRole('rowheader', { name: 'Старший' }).count();
    const operatorSeniorSkill = await operator.getByRole('checkbox', { name: 'Старший' }).count();

    // Act 1: the operator transfers it to a senior, saying why; the senior's queue shows it waiting, live.
    const reason = `Гражданин просит руководителя ${randomUUID().slice(0, 6)}`;
    await operator.getByLabel('Куда передать').selectOption('senior');
    await operator.getByLabel('Причина', { exact: true }).fill(reason);
    await operator.getByRole('button', { name: 'Передать' }).click();
    await operator.getByText('Разговоров пока нет').waitFor({ timeout: TIMEOUT });
    await seniorRow
      .getByRole('cell')
      .first()
      .filter({ hasText: /^[1-9]\d*$/ })
      .waitFor({ timeout: TIMEOUT });
    const waitingForSenior = await seniorRow.textContent();

    // Act 2: the senior serves the senior queue too, gets it with the transfer's reason, and works the ticket.
    await senior.getByRole('checkbox', { name: 'Старший' }).check();
    await takeOffer(senior, number);
    const transferNote = await senior
      .getByRole('log')
      .locator('.note')
      .filter({ hasText: reason })
      .textContent({ timeout: TIMEOUT });
    const status = senior.getByLabel('Статус обращения', { exact: true });
    const change = senior.getByRole('button', { name: 'Изменить статус' });
    await status.selectOption('waiting');
    const fieldsWhileWaiting = {
      what: await senior.getByLabel('Что ожидается').isVisible(),
      rejectReason: await senior.getByLabel('Причина отказа').isVisible(),
    };
    await change.click();
    const missingWhat = await senior
      .getByRole('alert')
      .filter({ hasText: 'Заполните' })
      .textContent({ timeout: TIMEOUT });
    await senior.getByLabel('Что ожидается').fill('скан паспорта');
    await senior.getByLabel('До какого срока').fill('2027-01-15T12:00');
    await change.click();
    await senior.getByRole('heading', { name: 'Статус обращения: Ожидание' }).waitFor({ timeout: TIMEOUT });
    const waiting = await frameWith(
      citizen,
      (f) => f.type === 'ticket.updated' && (f.ticket as { status: string }).status === 'waiting',
      TIMEOUT,
    );
    await senior.getByLabel('Статус обращения', { exact: true }).selectOption('rejected');
    await senior.getByLabel('Причина отказа').fill('Жалобы на сотрудников принимает ведомство');
    await senior
      .getByLabel('Альтернативы (по одной в строке)')
      .fill('Подать жалобу в ведомство\nОбратиться в МФЦ');
    await senior.getByRole('button', { name: 'Изменить статус' }).click();
    await senior.getByRole('heading', { name: 'Статус обращения: Отказ' }).waitFor({ timeout: TIMEOUT });
    const rejected = await frameWith(
      citizen,
      (f) => f.type === 'ticket.updated' && (f.ticket as { status: string }).status === 'rejected',
      TIMEOUT,
    );
    const violations = await axeViolations(senior);
    for (const page of [operator, senior]) await page.getByRole('radio', { name: 'Не в сети' }).check();
    await citizen.close();

    // Assess
    expect(operatorSeniorRows).toBe(0);
    expect(operatorSeniorSkill).toBe(0);
    expect(waitingForSenior).toMatch(/^Старший[1-9]/);
    expect(transferNote).toContain(`${reason}`);
    expect(transferNote).toContain('Внутренняя заметка');
    expect(missingWhat).toBe('Заполните поле «Что ожидается».');
    // Only what the chosen status asks for is shown.
    expect(fieldsWhileWaiting).toEqual({ what: true, rejectReason: false });
    expect(waiting.ticket).toMatchObject({
      number,
      statusLabel: 'Ожидание',
      waitingFor: { what: 'скан паспорта', until: expect.stringMatching(/^2027-01-15T/) },
    });
    expect(rejected.ticket).toMatchObject({
      number,
      statusLabel: 'Отказ',
      rejectReason: {
        reason: 'Жалобы на сотрудников принимает ведомство',
        alternatives: ['Подать жалобу в ведомство', 'Обратиться в МФЦ'],
      },
    });
    expect(violations).toEqual([]);
    expect(watches.flatMap((w) => [...w.errors, ...w.cspViolations])).toEqual([]);
  }, 90_000);
});
