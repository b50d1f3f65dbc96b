/**
 * Attachments in the widget and the console (docs/protocol.md#attachments) in a real browser
 * (Debian's Chromium through playwright-core) against the local stack: the upload goes through the
 * policy-checking endpoint in front of the emulator, the check judges the bytes, and the pages show
 * what came of it. Driven by roles and accessible names; axe on every new screen; the pages' CSP
 * must let the upload and the thumbnails through (no violation reported).
 */
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '#events/attachments.ts';
import { axeViolations, screenshot, takeOffer, useChromium, watchPage } from '../support/browser.ts';
import { createStaffUser } from '../support/operator-sign-in.ts';
import { atLeast, botMessages, openWidget, send, TIMEOUT } from '../support/widget-page.ts';

const httpUrl = inject('localHttpUrl');

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** The smallest PDF a reader opens: a header, one empty page, the trailer. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

const openPage = useChromium();

async function newPage(width = 1280, height = 800): Promise<Page> {
  return (await openPage(width, height)).page;
}

/** Chooses files through «Прикрепить файл» (the file chooser the button opens). */
async function attach(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  const chooser = page.waitForEvent('filechooser', { timeout: TIMEOUT });
  await page.getByRole('button', { name: 'Прикрепить файл' }).click();
  await (await chooser).setFiles(files);
}

/**
 * The width of the image once it has loaded. `complete` alone is also true of an image whose load
 * failed: the operator's first link answers 403 (expired), and until the console has put the fresh
 * link in its place the image is complete with no width. A picture that never loads fails the wait.
 */
async function loadedWidth(page: Page, image: Locator): Promise<number> {
  await page.waitForFunction(
    (element) => {
      const loaded = element as unknown as { complete: boolean; naturalWidth: number };
      return loaded.complete && loaded.naturalWidth > 0;
    },
    await image.elementHandle(),
    { timeout: TIMEOUT },
  );
  return image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth);
}

/**
 * The operator completes the ticket of the conversation they have open, which closes it. Left held,
 * it would go back to the line once this file's pages are gone, and be offered to the next browser
 * file's operator (web.test.ts counts the offers in the console's title).
 */
async function completeTicket(operator: Page, timeout = TIMEOUT): Promise<void> {
  await operator.getByLabel('Статус обращения', { exact: true }).selectOption('completed', { timeout });
  await operator.getByRole('button', { name: 'Изменить статус' }).click({ timeout });
  await operator.getByRole('heading', { name: 'Статус обращения: Завершено' }).waitFor({ timeout });
}

describe('attachments in the web pages', () => {
  it('a citizen attaches an image and a PDF, sees the thumbnail once checked and sends them; the operator sees both inline, the image loads', async () => {
    // Prepare: a citizen with a complaint in line, taken by an operator who serves complaints only.
    const citizen = await newPage(360, 740);
    const citizenWatch = watchPage(citizen);
    const operator = await newPage(1280, 900);
    const operatorWatch = watchPage(operator);
    const operatorFrames: string[] = [];
    operator.on('websocket', (socket) =>
      socket.on('framesent', (frame) => operatorFrames.push(String(frame.payload))),
    );
    const username = `web-files-${randomUUID().slice(0, 8)}`;
    const password = await createStaffUser(httpUrl, username, ['operator']);
    // The "photo of a document": a real PNG of 320×200, made by the browser from the portal page.
    await citizen.goto(`${httpUrl}/`);
    const photo = await citizen.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
    await openWidget(citizen, httpUrl);
    await send(citizen, 'хочу подать жалобу на сотрудника');
    await atLeast(botMessages(citizen), 2);
    await send(citizen, 'пропустить всё');
    const queued = citizen.getByRole('status').filter({ hasText: /GU-\d{8}-/ });
    const number = ((await queued.textContent({ timeout: TIMEOUT })) ?? '').match(
      /GU-\d{8}-[0-9A-Z]{6}/,
    )?.[0];
    if (!number) throw new Error('the widget showed no ticket number');
    await operator.goto(`${httpUrl}/console/`);
    await operator.getByRole('textbox', { name: 'Имя пользователя' }).fill(username);
    await operator.getByLabel('Пароль').fill(password);
    await operator.getByRole('button', { name: 'Войти' }).click();
    for (const skill of ['Вход и учётная запись', 'Заявления', 'Документы', 'МФЦ', 'Общие вопросы'])
      await operator.getByRole('checkbox', { name: skill }).uncheck();
    await operator.getByRole('radio', { name: 'На линии' }).check();
    await takeOffer(operator, number);
    await citizen.getByRole('status').filter({ hasText: 'Вам отвечает' }).waitFor({ timeout: TIMEOUT });
    // Whatever fails below, the complaint does not outlive the test (completeTicket).
    let completed = false;
    onTestFinished(async () => {
      if (!completed) await completeTicket(operator, 5_000).catch(() => undefined);
    });
    // Away keeps the conversation and takes nothing new: no complaint of another test (the shared
    // stack runs the browser tests side by side) is assigned to this operator.
    await operator.getByRole('radio', { name: 'Отошёл' }).check();
    // The operator's first link has expired by the time the thumbnail is fetched: S3's 403 for an
    // expired presigned GET, injected here (the emulator would give it only after 5 minutes).
    let expiredOnce = false;
    await operator.route(
      (url) => url.pathname.includes('/attachments/') && url.searchParams.has('X-Amz-Signature'),
      (route) => {
        if (expiredOnce) return route.continue();
        expiredOnce = true;
        return route.fulfill({
          status: 403,
          contentType: 'application/xml',
          body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        });
      },
    );
    const violations: Record<string, string[]> = {};

    // Act 1: the citizen attaches a photo of a document and a PDF; both are checked.
    await attach(citizen, [
      { name: 'заявление.png', mimeType: 'image/png', buffer: photo },
      { name: 'квитанция.pdf', mimeType: 'application/pdf', buffer: PDF },
    ]);
    const tray = citizen.getByRole('list', { name: 'Файлы к сообщению' });
    const trayThumbnail = tray.getByRole('img', { name: 'заявление.png' });
    await trayThumbnail.waitFor({ timeout: TIMEOUT });
    const trayThumbnailWidth = await loadedWidth(citizen, trayThumbnail);
    await tray.getByText('квитанция.pdf — Готов к отправке').waitFor({ timeout: TIMEOUT });
    violations.tray = await axeViolations(citizen);

    // Act 2: sent with the next message; the tray empties, the message shows both.
    await send(citizen, 'Прикладываю заявление и квитанцию');
    const sent = citizen.getByRole('log').locator('[data-seq]').filter({ hasText: 'Прикладываю заявление' });
    const citizenImage = sent.getByRole('img', { name: 'заявление.png' });
    await citizenImage.waitFor({ timeout: TIMEOUT });
    const citizenImageWidth = await loadedWidth(citizen, citizenImage);
    const citizenPdf = sent.getByRole('link', { name: /^квитанция\.pdf, \d/ });
    await citizenPdf.waitFor({ timeout: TIMEOUT });
    const trayAfterSending = await tray.count();
    violations.sent = await axeViolations(citizen);
    await screenshot(citizen, 'widget-attachments');

    // Act 3: the operator's transcript shows them with the message.
    const shown = operator
      .getByRole('log')
      .locator('.msg.citizen')
      .filter({ hasText: 'Прикладываю заявление' });
    const operatorImage = shown.getByRole('img', { name: 'заявление.png' });
    await operatorImage.waitFor({ timeout: TIMEOUT });
    const operatorImageWidth = await loadedWidth(operator, operatorImage);
    const operatorPdf = shown.getByRole('link', { name: /^квитанция\.pdf, \d/ });
    const pdfHref = await operatorPdf.getAttribute('href', { timeout: TIMEOUT });
    const pdf = await fetch(String(pdfHref));
    violations.desk = await axeViolations(operator);
    const imageId = await operatorImage.evaluate((image) =>
      (image as unknown as { closest(s: string): { getAttribute(a: string): string } })
        .closest('li')
        .getAttribute('data-attachment-id'),
    );
    const linksAsked = operatorFrames.filter(
      (frame) => frame.includes('"attachment.url"') && frame.includes(imageId),
    ).length;
    // Done: the operator completes the ticket, which closes the conversation.
    await completeTicket(operator);
    completed = true;

    // Assess
    expect(number).toMatch(/^GU-/);
    expect(trayThumbnailWidth).toBe(320);
    expect(citizenImageWidth).toBe(320);
    expect(expiredOnce).toBe(true);
    expect(operatorImageWidth).toBe(320);
    expect(linksAsked).toBe(2);
    expect(trayAfterSending).toBe(0);
    expect(await citizenPdf.getAttribute('target')).toBe('_blank');
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);
    expect(violations).toEqual({ tray: [], sent: [], desk: [] });
    expect([...citizenWatch.cspViolations, ...operatorWatch.cspViolations]).toEqual([]);
    expect([...citizenWatch.errors, ...operatorWatch.errors]).toEqual([]);
  }, 120_000);

  it('says in words why a PNG dropped as a PDF was rejected, and the file can be removed with the keyboard', async () => {
    // Prepare
    const page = await newPage();
    const watch = watchPage(page);
    await openWidget(page, httpUrl);
    await send(page, 'Здравствуйте, пришлю скан паспорта');
    await atLeast(botMessages(page), 1);

    // Act: the file dragged onto the conversation and dropped.
    // A drag from the desktop, as the browser hands it to the page (evaluated in the page: no DOM types here).
    const dataTransfer = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob('${PNG.toString('base64')}'), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], 'паспорт.pdf', { type: 'application/pdf' }));
      return transfer;
    })()`);
    const log = page.getByRole('log');
    await log.dispatchEvent('dragenter', { dataTransfer });
    const dropHint = await page.getByText('Отпустите файл, чтобы прикрепить его к сообщению').isVisible();
    await log.dispatchEvent('drop', { dataTransfer });
    const tray = page.getByRole('list', { name: 'Файлы к сообщению' });
    const rejection = await tray.getByText(/паспорт\.pdf не принят/).textContent({ timeout: TIMEOUT });
    const violations = await axeViolations(page);
    await page.getByRole('button', { name: 'Убрать файл паспорт.pdf' }).focus();
    await page.keyboard.press('Enter');
    await tray.waitFor({ state: 'detached', timeout: TIMEOUT });
    const focused = await page.evaluate(
      "document.querySelector('support-chat').shadowRoot.activeElement?.id",
    );

    // Assess
    expect(dropHint).toBe(true);
    expect(rejection).toBe(
      'Файл паспорт.pdf не принят: содержимое не соответствует типу файла. Можно отправить только настоящий PDF, JPEG или PNG.',
    );
    expect(violations).toEqual([]);
    expect(focused).toBe('sc-message');
    expect(watch.cspViolations).toEqual([]);
  }, 60_000);

  it('says when the time to upload ran out, and «Загрузить ещё раз» uploads it with a new grant', async () => {
    // Prepare: the first POST is answered as S3 answers a presigned POST past its expiry (injected
    // with page.route: the local endpoint would say so only after the policy's 5 minutes).
    const page = await newPage();
    const watch = watchPage(page);
    const grants: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', (frame) => {
        if (String(frame.payload).includes('"attachment.create"')) grants.push(String(frame.payload));
      }),
    );
    let expired = 0;
    await page.route(
      (url) => url.pathname.startsWith('/local/s3/'),
      (route) => {
        if (expired++ > 0) return route.continue();
        return route.fulfill({
          status: 403,
          contentType: 'application/xml',
          body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>',
        });
      },
    );
    await openWidget(page, httpUrl);
    await send(page, 'Здравствуйте, пришлю фото');
    await atLeast(botMessages(page), 1);

    // Act
    await attach(page, [{ name: 'фото.jpg.png', mimeType: 'image/png', buffer: PNG }]);
    const tray = page.getByRole('list', { name: 'Файлы к сообщению' });
    const failed = await tray.getByText(/фото\.jpg\.png не загружен/).textContent({ timeout: TIMEOUT });
    const violations = await axeViolations(page);
    await page.getByRole('button', { name: 'Загрузить фото.jpg.png ещё раз' }).click();
    await tray.getByRole('img', { name: 'фото.jpg.png' }).waitFor({ timeout: TIMEOUT });

    // Assess
    expect(failed).toBe('Файл фото.jpg.png не загружен: время на загрузку истекло. Загрузите его ещё раз.');
    expect(grants).toHaveLength(2);
    expect(expired).toBe(2);
    expect(violations).toEqual([]);
    expect(watch.errors).toEqual([]);
  }, 60_000);

  it('holds a file chosen before the conversation began: words first, then the file follows on its own', async () => {
    // Prepare: a new visitor, no conversation yet.
    const page = await newPage();
    const watch = watchPage(page);
    await openWidget(page, httpUrl);

    // Act
    await attach(page, [{ name: 'скан.png', mimeType: 'image/png', buffer: PNG }]);
    const tray = page.getByRole('list', { name: 'Файлы к сообщению' });
    const waiting = await tray.getByText('скан.png — Загрузится, когда начнётся переписка').count();
    await page.getByRole('button', { name: 'Отправить', exact: true }).click();
    const hint = await page
      .getByRole('alert')
      .filter({ hasText: 'Напишите' })
      .textContent({ timeout: TIMEOUT });
    await send(page, 'Здравствуйте, отправляю скан заявления');
    const followUp = page
      .getByRole('log')
      .locator('[data-seq]')
      .filter({ hasText: /^Вы\s*скан\.png/ });
    await followUp.getByRole('img', { name: 'скан.png' }).waitFor({ timeout: TIMEOUT });
    const words = page.getByRole('log').locator('[data-seq]').filter({ hasText: 'отправляю скан заявления' });
    const seqs = [
      Number(await words.getAttribute('data-seq')),
      Number(await followUp.getAttribute('data-seq')),
    ];

    // Assess
    expect(waiting).toBe(1);
    expect(hint).toBe('Напишите, с чем нужна помощь: файл уйдёт вместе с сообщением.');
    expect(await words.getByRole('img').count()).toBe(0);
    expect(seqs[1]).toBeGreaterThan(seqs[0] ?? Number.POSITIVE_INFINITY);
    expect(await tray.count()).toBe(0);
    expect(watch.errors).toEqual([]);
  }, 60_000);

  it('opens a PDF whose 5-minute link has expired through a fresh attachment.url', async () => {
    // Prepare: the page's clock is Playwright's, so that five minutes pass at once.
    const page = await newPage();
    const watch = watchPage(page);
    const asked: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', (frame) => {
        if (String(frame.payload).includes('"attachment.url"')) asked.push(String(frame.payload));
      }),
    );
    await page.clock.install();
    await openWidget(page, httpUrl);
    await send(page, 'Здравствуйте, вот квитанция');
    await atLeast(botMessages(page), 1);
    await attach(page, [{ name: 'квитанция.pdf', mimeType: 'application/pdf', buffer: PDF }]);
    await page
      .getByRole('list', { name: 'Файлы к сообщению' })
      .getByText('квитанция.pdf — Готов к отправке')
      .waitFor({ timeout: TIMEOUT });
    await send(page, 'Квитанция об оплате');
    const link = page
      .getByRole('log')
      .locator('[data-seq]')
      .filter({ hasText: 'Квитанция об оплате' })
      .getByRole('link', { name: /^квитанция\.pdf, \d/ });
    await link.waitFor({ timeout: TIMEOUT });
    const askedBefore = asked.length;

    // Act
    await page.clock.fastForward('05:00');
    const popup = page.waitForEvent('popup', { timeout: TIMEOUT });
    await link.click();
    await popup;
    // The click asked for a fresh link (signed now: the same URL when signed within the same second).
    const deadline = Date.now() + TIMEOUT;
    while (asked.length === askedBefore && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const freshHref = await link.getAttribute('href');
    const pdf = await fetch(String(freshHref));

    // Assess
    expect(asked.length).toBe(askedBefore + 1);
    expect(freshHref).toMatch(/X-Amz-Signature=/);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);
    expect(watch.errors).toEqual([]);
  }, 60_000);

  it('refuses a file over 10 MB before uploading anything, in Russian and in English', async () => {
    // Prepare: every frame the widget sends and every request the page makes, recorded.
    const page = await newPage();
    const frames: string[] = [];
    const requests: string[] = [];
    page.on('websocket', (socket) => socket.on('framesent', (frame) => frames.push(String(frame.payload))));
    page.on('request', (request) => requests.push(request.url()));
    await openWidget(page, httpUrl);
    await send(page, 'Здравствуйте, пришлю фото справки');
    await atLeast(botMessages(page), 1);

    // Act: chosen with the keyboard (the attach button, Enter).
    const chooser = page.waitForEvent('filechooser', { timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Прикрепить файл' }).focus();
    await page.keyboard.press('Enter');
    await (await chooser).setFiles({
      name: 'справка.png',
      mimeType: 'image/png',
      buffer: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1),
    });
    const russian = await page
      .getByRole('alert')
      .filter({ hasText: 'справка.png' })
      .textContent({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Switch to English' }).click();
    const english = await page
      .getByRole('alert')
      .filter({ hasText: 'справка.png' })
      .textContent({ timeout: TIMEOUT });
    const attachInEnglish = await page.getByRole('button', { name: 'Attach a file' }).count();

    // Assess
    expect(russian).toBe(
      'Файл справка.png не принят: файл больше 10 МБ. Уменьшите его (например, сохраните скан в меньшем разрешении).',
    );
    expect(english).toBe(
      'The file справка.png was not accepted: it is larger than 10 MB. Make it smaller (for example, scan at a lower resolution).',
    );
    expect(attachInEnglish).toBe(1);
    expect(frames.filter((frame) => frame.includes('attachment.create'))).toEqual([]);
    expect(requests.filter((url) => url.includes('/local/s3/'))).toEqual([]);
  }, 60_000);
});
