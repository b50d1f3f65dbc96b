/**
 * «Записаться в МФЦ» in the widget (docs/protocol.md, "MFC offices and visits") in a real browser
 * (Debian's Chromium through playwright-core) against the local stack: a guest picks an office, a
 * day and a free time, identifies when the booking asks for it and is booked without asking again;
 * the visit in «Мои визиты», moved and cancelled there (the places checked in the visits table);
 * `SLOT_FULL` in words when another client takes the last place, `VISIT_LIMIT` at the third
 * booking of a service; the whole way by keyboard alone, Esc included. Driven by roles and
 * accessible names; axe on every new screen; the screenshot README shows.
 */
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { documentClient } from '#adapters/dynamodb/document-client.ts';
import { DynamoVisitRepository } from '#adapters/dynamodb/visit-repository.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { addDays, localMoment, officeDay, slotTimes } from '#domain/mfc/opening-hours.ts';
import { bookVisit, listFreeSlots } from '#domain/use-cases/mfc-visits.ts';
import { axeViolations, screenshot, useChromium, watchPage } from '../support/browser.ts';
import { codeFromOutbox, uniqueEmail, verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { seedPastVisits } from '../support/visits.ts';
import { openWidget, TIMEOUT } from '../support/widget-page.ts';

const httpUrl = inject('localHttpUrl');
const directory = loadMfcDirectory(join(import.meta.dirname, '..', '..', 'layers', 'knowledge-base', 'mfc'));
const deps = {
  directory,
  visits: new DynamoVisitRepository(String(process.env.VISITS_TABLE)),
  clock: { now: () => new Date() },
};

const openPage = useChromium();

async function newPage(width = 360, height = 740): Promise<Page> {
  return (await openPage(width, height)).page;
}

function names(officeId: string, serviceId: string) {
  const office = directory.office(officeId);
  const service = directory.service(serviceId);
  if (!office || !service) throw new Error('unknown office or service');
  return {
    office: office.name.ru,
    city: office.city.ru,
    service: service.title.ru,
    windows: office.services[serviceId] ?? 0,
  };
}

/** The first working day of an office at least `from` days ahead (its own calendar), and its slot starts. */
function workingDay(officeId: string, serviceId: string, from = 2): { date: string; times: string[] } {
  const office = directory.office(officeId);
  const service = directory.service(serviceId);
  if (!office || !service) throw new Error('unknown office or service');
  const today = localMoment(new Date(), directory.regionOf(office).timeZone).date;
  for (let ahead = from; ahead < 25; ahead++) {
    const date = addDays(today, ahead);
    const times = slotTimes(officeDay(directory, office, date), service.durationMinutes);
    if (times.length > 10) return { date, times };
  }
  throw new Error('no working day ahead');
}

/** The free places of one slot, as the visits table holds them. */
async function freePlaces(officeId: string, serviceId: string, date: string, time: string): Promise<number> {
  const { slots } = await listFreeSlots(deps, { officeId, serviceId, date });
  return slots.find((slot) => slot.time === time)?.free ?? -1;
}

const booking = (page: Page) => page.getByRole('region', { name: 'Запись в МФЦ' });
const slotRadio = (page: Page, time: string) =>
  booking(page)
    .getByRole('group', { name: 'Свободное время' })
    .getByRole('radio', { name: new RegExp(`^${time},`) });

/** A slot radio's accessible name. */
const labelOf = async (radio: ReturnType<typeof slotRadio>) => (await radio.getAttribute('aria-label')) ?? '';

/** Chooses city, service, office and day in the booking panel, as a person does with the mouse. */
async function pickSlot(page: Page, officeId: string, serviceId: string, date: string, time: string) {
  const { office, city, service } = names(officeId, serviceId);
  await booking(page).getByRole('combobox', { name: 'Город' }).selectOption({ label: city });
  await booking(page).getByRole('combobox', { name: 'Услуга' }).selectOption({ label: service });
  await booking(page).getByRole('radio', { name: office, exact: true }).click();
  await booking(page).getByLabel('Дата визита').fill(date);
  await slotRadio(page, time).click({ timeout: TIMEOUT });
}

/** Identifies in the widget's own form, with the code from the local outbox. */
/** The citizen the widget's session is verified as: its resume token names the session, which names them. */
async function citizenOfWidget(page: Page): Promise<string> {
  const token = String(await page.evaluate(() => localStorage.getItem('support-chat.resumeToken')));
  const { sub } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub: string;
  };
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: String(process.env.SESSIONS_TABLE),
      Key: { sessionId: sub },
      ConsistentRead: true,
    }),
  );
  if (typeof Item?.citizenId !== 'string' || Item.verified !== true)
    throw new Error('the widget is not verified');
  return Item.citizenId;
}

/** A visit booked for `citizenId` a few working days ahead, as `mfc.book` stores it; its number. */
async function bookAhead(citizenId: string): Promise<string> {
  const officeId = 'msk-tverskoy';
  const serviceId = 'snils';
  const { date, times } = workingDay(officeId, serviceId);
  const visit = await bookVisit(deps, citizenId, { officeId, serviceId, date, time: times[2] ?? '' }, 'ru');
  return visit.number;
}

async function identify(page: Page, email: string) {
  await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(email);
  await page.getByRole('button', { name: 'Получить код' }).click();
  await page.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
  await page.getByRole('textbox', { name: 'Код из сообщения' }).fill(await codeFromOutbox(httpUrl, email));
  await page.getByRole('button', { name: 'Подтвердить' }).click();
}

/** What has the focus, through the widget's Shadow DOM: its id and its text (label, aria-label or own text). In the page: no DOM types here. */
const FOCUSED = `(() => {
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement;
  if (!element) return { id: '', text: '' };
  const label = (element.labels && element.labels[0] && element.labels[0].textContent) || '';
  const text = label || element.getAttribute('aria-label') || element.textContent || '';
  return { id: element.id || '', text: text.trim() };
})()`;

function focused(page: Page): Promise<{ id: string; text: string }> {
  return page.evaluate(FOCUSED) as Promise<{ id: string; text: string }>;
}

/** Where the focus is once it has reached `id` (or after the usual wait, wherever it is then). */
async function focusSettles(page: Page, id: string): Promise<{ id: string; text: string }> {
  const deadline = Date.now() + TIMEOUT;
  let now = await focused(page);
  while (now.id !== id && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = await focused(page);
  }
  return now;
}

/** Presses Tab until the focus is on a control whose id or text matches (at most `limit` presses). */
async function tabTo(page: Page, match: RegExp, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (match.test(now.id) || match.test(now.text)) return;
  }
  throw new Error(`Tab never reached ${match}`);
}

describe('MFC visits in the widget', () => {
  const { connect } = useClients();

  it('books a guest’s visit after identifying without asking again, lists it in «Мои визиты», moves it and cancels it', async () => {
    // Prepare
    const page = await newPage();
    const watch = watchPage(page);
    const officeId = 'ekb-malysheva';
    const serviceId = 'snils';
    const { date, times } = workingDay(officeId, serviceId);
    const [first, second] = [times[3] ?? '', times[6] ?? ''];
    const { windows, office } = names(officeId, serviceId);
    const violations: Record<string, string[]> = {};

    // Act 1: a guest opens the booking and picks a time.
    await openWidget(page, httpUrl);
    await page.getByRole('button', { name: 'Записаться в МФЦ' }).click();
    await booking(page)
      .getByRole('combobox', { name: 'Город' })
      .getByRole('option', { name: 'Екатеринбург' })
      .waitFor({ state: 'attached', timeout: TIMEOUT });
    await pickSlot(page, officeId, serviceId, date, first);
    const officeEntry = booking(page).getByRole('listitem').filter({ hasText: office });
    const officeText = await officeEntry.textContent();
    violations.picker = await axeViolations(page);
    await slotRadio(page, first).scrollIntoViewIfNeeded();
    await screenshot(page, 'widget-visits');

    // Act 2: «Записаться» asks a guest to identify; once identified, the booking goes by itself.
    await booking(page).getByRole('button', { name: 'Записаться', exact: true }).click();
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).waitFor({ timeout: TIMEOUT });
    await identify(page, uniqueEmail('visit'));
    const card = booking(page).getByRole('region', { name: 'Вы записаны' });
    await card.waitFor({ timeout: TIMEOUT });
    const cardText = (await card.textContent()) ?? '';
    const number = cardText.match(/V-[0-9A-Z]{8}/)?.[0] ?? '';
    const checklist = await card.getByRole('link', { name: 'Что взять с собой' }).getAttribute('href');
    const checklistPage = await fetch(String(checklist));
    const listed = booking(page)
      .getByRole('region', { name: 'Мои визиты' })
      .getByRole('listitem')
      .filter({ hasText: number });
    await listed.waitFor({ timeout: TIMEOUT });
    const placesBooked = await freePlaces(officeId, serviceId, date, first);
    violations.confirmation = await axeViolations(page);
    await screenshot(page, 'widget-visit-booked');

    // Act 3: moved to another time of the same day from «Мои визиты».
    await listed.getByRole('button', { name: `Перенести визит ${number}` }).click();
    await booking(page)
      .getByRole('heading', { name: new RegExp(`Перенос визита ${number}`) })
      .waitFor();
    await slotRadio(page, second).click({ timeout: TIMEOUT });
    await booking(page).getByRole('button', { name: 'Перенести на это время' }).click();
    await booking(page).getByRole('region', { name: 'Визит перенесён' }).waitFor({ timeout: TIMEOUT });
    await listed.filter({ hasText: second }).waitFor({ timeout: TIMEOUT });
    const placesMoved = [
      await freePlaces(officeId, serviceId, date, first),
      await freePlaces(officeId, serviceId, date, second),
    ];

    // Act 4: cancelled, with a confirmation first.
    await listed.getByRole('button', { name: `Отменить визит ${number}` }).click();
    await listed.getByRole('button', { name: 'Да, отменить' }).click();
    await listed.filter({ hasText: 'Отменён' }).waitFor({ timeout: TIMEOUT });
    const actionsLeft = await listed.getByRole('button').count();
    const placesCancelled = await freePlaces(officeId, serviceId, date, second);
    // The bot's confirmation in the chat: its checklist address is a link that opens apart.
    await page.getByRole('navigation').getByRole('button', { name: 'Переписка' }).click();
    const chatLink = page
      .getByRole('log')
      .getByRole('link', { name: /\/mfc\/checklist\// })
      .first();
    await chatLink.waitFor({ timeout: TIMEOUT });
    const linkInChat = await chatLink.evaluate((a) => ({
      href: a.getAttribute('href'),
      rel: a.getAttribute('rel'),
      target: a.getAttribute('target'),
      text: a.textContent,
    }));

    // Assess
    expect(linkInChat).toEqual({
      href: `${httpUrl}/mfc/checklist/${serviceId}.ru.html`,
      rel: 'noopener noreferrer',
      target: '_blank',
      text: `${httpUrl}/mfc/checklist/${serviceId}.ru.html`,
    });
    expect(officeText).toMatch(/Сегодня: (работает|не работает|выходной)/);
    expect(officeText).toMatch(/Открыто сейчас|Сейчас закрыто/);
    expect(number).toMatch(/^V-[0-9A-Z]{8}$/);
    expect(cardText).toContain(office);
    expect(cardText).toContain(first);
    expect(checklist).toBe(`${httpUrl}/mfc/checklist/${serviceId}.ru.html`);
    expect(checklistPage.status).toBe(200);
    expect(placesBooked).toBe(windows - 1);
    expect(placesMoved).toEqual([windows, windows - 1]);
    expect(placesCancelled).toBe(windows);
    expect(actionsLeft).toBe(0);
    expect(violations).toEqual({ picker: [], confirmation: [] });
    expect(watch.cspViolations).toEqual([]);
    expect(watch.errors).toEqual([]);
  }, 90_000);

  it('lists the visit to come of a citizen with more than 100 visits (every page of mfc.visits)', async () => {
    // Prepare: a citizen identified in the widget, with 101 visits of the past and one booked ahead
    // (the last of 2 pages), written while the booking view is closed.
    const page = await newPage();
    await openWidget(page, httpUrl);
    await page.getByRole('button', { name: 'Записаться в МФЦ' }).click();
    await booking(page).getByRole('button', { name: 'Подтвердить личность' }).click();
    await identify(page, uniqueEmail('history'));
    await booking(page).getByText('Записей пока нет.').waitFor({ timeout: TIMEOUT });
    const citizenId = await citizenOfWidget(page);
    await seedPastVisits(citizenId, 101);
    const number = await bookAhead(citizenId);

    // Act: the citizen comes back (the page again, the session resumed) and opens the booking.
    await openWidget(page, httpUrl);
    await page.getByRole('button', { name: 'Записаться в МФЦ' }).click();
    const myVisits = booking(page).getByRole('region', { name: 'Мои визиты' });
    const listed = myVisits.getByRole('listitem').filter({ hasText: number });
    await listed.waitFor({ timeout: TIMEOUT });

    // Assess
    expect(await listed.getByRole('button', { name: `Отменить визит ${number}` }).count()).toBe(1);
    expect(await myVisits.getByRole('listitem').count()).toBe(102);
  }, 90_000);

  it('says SLOT_FULL in words when another citizen takes the last place, refreshes the times, and VISIT_LIMIT at the third booking', async () => {
    // Prepare: a verified citizen in the widget; an office with one window for the service.
    const page = await newPage(1280, 900);
    const officeId = 'msk-arbat';
    const serviceId = 'snils';
    expect(names(officeId, serviceId).windows).toBe(1);
    const { date, times } = workingDay(officeId, serviceId, 3);
    const [taken, other, third, fourth] = [times[2] ?? '', times[4] ?? '', times[6] ?? '', times[8] ?? ''];
    await openWidget(page, httpUrl);
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await identify(page, uniqueEmail('slot-full'));
    await page.getByRole('heading', { name: 'Мои обращения' }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Записаться в МФЦ' }).click();
    await pickSlot(page, officeId, serviceId, date, taken);
    const shownBefore = await labelOf(slotRadio(page, taken));

    // Act 1: another citizen takes that last place, then this one presses «Записаться».
    const rival = await connect();
    await verifyByEmail(rival, httpUrl);
    const rivalAnswer = await rival.request({ action: 'mfc.book', officeId, serviceId, date, time: taken });
    await booking(page).getByRole('button', { name: 'Записаться', exact: true }).click();
    const fullAlert = booking(page).getByRole('alert').filter({ hasText: 'только что занял' });
    await fullAlert.waitFor({ timeout: TIMEOUT });
    const takenAfter = slotRadio(page, taken);
    await expectDisabled(takenAfter);

    // Act 2: two other times are booked; a third booking of the service is refused.
    for (const time of [other, third]) {
      await slotRadio(page, time).click({ timeout: TIMEOUT });
      await booking(page).getByRole('button', { name: 'Записаться', exact: true }).click();
      await booking(page).getByRole('region', { name: 'Вы записаны' }).waitFor({ timeout: TIMEOUT });
      await booking(page).getByRole('button', { name: 'Записаться ещё' }).click();
    }
    await slotRadio(page, fourth).click({ timeout: TIMEOUT });
    await booking(page).getByRole('button', { name: 'Записаться', exact: true }).click();
    const limit = await booking(page)
      .getByRole('alert')
      .filter({ hasText: 'не больше 2' })
      .textContent({ timeout: TIMEOUT });
    const violations = await axeViolations(page);

    // Assess
    expect(rivalAnswer.type).toBe('mfc.visit');
    expect(shownBefore).toMatch(/свободно мест: 1/);
    expect(await labelOf(takenAfter)).toMatch(/мест нет/);
    expect(limit).toMatch(/Отмените одну из записей/);
    expect(await freePlaces(officeId, serviceId, date, fourth)).toBe(1);
    expect(violations).toEqual([]);
  }, 90_000);

  it('says a lost connection in words, and books once the widget has reconnected by itself', async () => {
    // Prepare: a verified citizen with a time chosen.
    const page = await newPage(1280, 900);
    const context = page.context();
    const officeId = 'nsk-krasny';
    const serviceId = 'inn';
    const { date, times } = workingDay(officeId, serviceId, 4);
    const time = times[5] ?? '';
    // The page's timers run on Playwright's clock, in real time but for the jumps below: the 10 s the
    // widget waits for an answer pass at once while offline, instead of 10 s of the suite.
    await page.clock.install();
    await openWidget(page, httpUrl);
    await page.getByRole('button', { name: 'Войти по телефону или e-mail' }).click();
    await identify(page, uniqueEmail('offline'));
    await page.getByRole('heading', { name: 'Мои обращения' }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Записаться в МФЦ' }).click();
    await pickSlot(page, officeId, serviceId, date, time);
    const before = await freePlaces(officeId, serviceId, date, time);

    // Act 1: the network goes; «Записаться» cannot reach the server.
    await context.setOffline(true);
    await booking(page).getByRole('button', { name: 'Записаться', exact: true }).click();
    const alert = booking(page).getByRole('alert').filter({ hasText: 'Нет связи' });
    // A second at a time, whenever the widget's wait began: never past a timer it has not set yet.
    for (let waited = 0; waited < 20 && !(await alert.isVisible()); waited++)
      await page.clock.fastForward(1_000);
    const offline = await alert.textContent({ timeout: TIMEOUT });
    const whileOffline = await freePlaces(officeId, serviceId, date, time);

    // Act 2: the network is back; the widget reconnects by itself and the same press books.
    await context.setOffline(false);
    await page
      .getByRole('status')
      .filter({ hasText: /Подключение|Нет связи/ })
      .waitFor({ state: 'detached', timeout: TIMEOUT });
    await booking(page).getByRole('button', { name: 'Записаться', exact: true }).click();
    await booking(page).getByRole('region', { name: 'Вы записаны' }).waitFor({ timeout: TIMEOUT });

    // Assess
    expect(offline).toMatch(/переподключится сам/);
    expect(whileOffline).toBe(before);
    expect(await freePlaces(officeId, serviceId, date, time)).toBe(before - 1);
  }, 90_000);

  it('speaks English when switched, names and all', async () => {
    // Prepare
    const page = await newPage();
    await openWidget(page, httpUrl);
    await page.getByRole('button', { name: 'Switch to English' }).click();

    // Act
    await page.getByRole('button', { name: 'Book an MFC visit' }).click();
    const region = page.getByRole('region', { name: 'MFC visit booking' });
    await region
      .getByRole('combobox', { name: 'City' })
      .getByRole('option', { name: 'Yekaterinburg' })
      .waitFor({ state: 'attached', timeout: TIMEOUT });
    await region.getByRole('combobox', { name: 'City' }).selectOption({ label: 'Yekaterinburg' });
    const office = directory.office('ekb-lenina')?.name.en ?? '';
    const entry = region.getByRole('listitem').filter({ hasText: office });
    await entry.getByText(/^Today: /).waitFor({ timeout: TIMEOUT });
    const entryText = await entry.textContent();
    const violations = await axeViolations(page);
    const guestVisits = await region.getByRole('region', { name: 'My visits' }).textContent();

    // Act 2: «Identify myself» from "My visits" comes back to the booking once identified.
    await region.getByRole('button', { name: 'Identify myself' }).click();
    const email = uniqueEmail('visits-en');
    await page.getByRole('textbox', { name: 'Phone or e-mail' }).fill(email);
    await page.getByRole('button', { name: 'Get a code' }).click();
    await page.getByText(/The code was sent to/).waitFor({ timeout: TIMEOUT });
    await page
      .getByRole('textbox', { name: 'Code from the message' })
      .fill(await codeFromOutbox(httpUrl, email));
    await page.getByRole('button', { name: 'Confirm' }).click();
    const myVisits = region.getByRole('region', { name: 'My visits' });
    await myVisits.getByText('No bookings yet.').waitFor({ timeout: TIMEOUT });

    // Assess
    expect(guestVisits).toContain('Identify yourself');
    expect(entryText).toMatch(/Open now|Closed now/);
    expect(entryText).not.toMatch(/[а-яё]{4}/i);
    expect(violations).toEqual([]);
  }, 60_000);

  it('goes the whole way by keyboard alone: open, choose, identify, book; Esc leaves the booking', async () => {
    // Prepare
    const page = await newPage(1280, 900);
    const email = uniqueEmail('keyboard');
    await page.goto(`${httpUrl}/`);

    // Act 1: the launcher, then «Записаться в МФЦ», by Tab and Enter only.
    await tabTo(page, /^Поддержка$/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^Записаться в МФЦ$/);
    await page.keyboard.press('Enter');
    const onOpen = await focused(page);
    await booking(page)
      .getByRole('combobox', { name: 'Город' })
      .getByRole('option', { name: 'Бердск' })
      .waitFor({ state: 'attached', timeout: TIMEOUT });

    // Act 2: city and service with the arrow keys, the office with Space, a free time with the arrows.
    await tabTo(page, /^sc-visit-city$/);
    await page.keyboard.press('ArrowDown');
    await tabTo(page, /^sc-visit-service$/);
    await page.keyboard.press('ArrowDown');
    // As a person would, looks at the list first: the one office of the first city that offers the first service.
    const berdsk = names('berdsk', 'passport.replace').office;
    await booking(page).getByRole('radio', { name: berdsk, exact: true }).waitFor({ timeout: TIMEOUT });
    await atMost(booking(page).getByRole('group', { name: 'Отделение МФЦ' }).getByRole('radio'), 1);
    await tabTo(page, /^sc-office-/);
    await page.keyboard.press('Space');
    await booking(page)
      .getByRole('radio', { name: /свободно мест/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await tabTo(page, /^sc-slot-/);
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    const slot = await focused(page);
    await tabTo(page, /^Записаться$/);
    await page.keyboard.press('Enter');

    // Act 3: identification takes the focus; the code by keyboard; the booking follows by itself.
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).waitFor({ timeout: TIMEOUT });
    const onIdentify = await focused(page);
    await page.keyboard.type(email);
    await page.keyboard.press('Enter');
    await page.getByText(/Код отправлен на/).waitFor({ timeout: TIMEOUT });
    await tabTo(page, /^sc-code$/);
    await page.keyboard.type(await codeFromOutbox(httpUrl, email));
    await page.keyboard.press('Enter');
    await booking(page).getByRole('region', { name: 'Вы записаны' }).waitFor({ timeout: TIMEOUT });
    const onBooked = await focusSettles(page, 'sc-visit-confirmed');

    // Act 4: Esc leaves the booking for the conversation, the focus back on its button.
    await page.keyboard.press('Escape');
    const afterEscape = await focused(page);
    const bookingHidden = await booking(page).isHidden();
    const chatShown = await page.getByRole('textbox', { name: 'Сообщение' }).isVisible();

    // Assess
    expect(onOpen).toEqual({ id: 'sc-visits-title', text: 'Запись в МФЦ' });
    expect(slot.id).toMatch(/^sc-slot-\d{4}$/);
    expect(onIdentify.id).toBe('sc-contact');
    expect(onBooked).toEqual({ id: 'sc-visit-confirmed', text: 'Вы записаны' });
    expect(afterEscape.text).toBe('Записаться в МФЦ');
    expect(bookingHidden).toBe(true);
    expect(chatShown).toBe(true);
  }, 90_000);
});

/** Waits until `locator` matches at most `count` elements. */
async function atMost(locator: Locator, count: number): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  while ((await locator.count()) > count) {
    if (Date.now() > deadline) throw new Error(`more than ${count} of ${locator}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function expectDisabled(radio: ReturnType<typeof slotRadio>): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  while (!(await radio.isDisabled())) {
    if (Date.now() > deadline) throw new Error('the taken time stayed enabled');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
