/**
 * Privacy of the logs (docs/requirements.md#audit-and-personal-data): a local stack of its own, at log level DEBUG, whose every
 * printed line is captured while a full identification runs through the real flows — a code
 * requested by phone and by e-mail, a wrong code, the right code, a resume with the token, a
 * citizen message that quotes the phone, e-mail, passport, SNILS and INN, an operator's sign-in and connection, and a
 * forged operator token. Then no line may carry the phone (in any format), the e-mail, a code, a
 * resume token, an ID or access token, the message text or any number it quotes.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFromOutbox } from '../support/citizens.ts';
import { ownStackBaseEnv, type RunningLocalStack, startLocalStackProcess } from '../support/local-stack.ts';
import { signInAs } from '../support/operator-sign-in.ts';
import { ChatClient, UpgradeRefusedError } from '../support/ws-client.ts';

const lines: string[] = [];
let pending = '';
let stack: RunningLocalStack;

/** Everything the run handled that must never be logged, each with the formats it may take. */
const secrets: { what: string; values: string[] }[] = [];

const subscriber = String(randomInt(1_000_000, 10_000_000));
const phone = `+7916${subscriber}`;
const phoneAsTyped = `8 (916) ${subscriber.slice(0, 3)}-${subscriber.slice(3, 5)}-${subscriber.slice(5)}`;
const email = `privacy.${randomUUID().slice(0, 8)}@example.org`;
// docs/requirements.md#audit-and-personal-data: passport, SNILS and INN numbers never reach a log either (they are message text).
const passport = '4510 123456';
const snils = '112-233-445 95';
const inn = '500100732259';
const messageText = `мой номер ${phoneAsTyped}, почта ${email}, паспорт ${passport}, СНИЛС ${snils}, ИНН ${inn}`;

beforeAll(async () => {
  stack = await startLocalStackProcess({
    env: { LOG_LEVEL: 'DEBUG' },
    baseEnv: ownStackBaseEnv(),
    timeoutMs: 120_000,
    onOutput: (chunk) => {
      const text = pending + chunk;
      const parts = text.split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts);
    },
  });
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

async function connect(query: Record<string, string> = {}): Promise<ChatClient> {
  return ChatClient.connect(stack.wsUrl, query);
}

/** Every format a phone may be written in, and the ones a log might derive from it. */
function phoneFormats(e164: string): string[] {
  const national = e164.slice(2);
  return [
    e164,
    e164.slice(1),
    `8${national}`,
    national,
    `${national.slice(0, 3)} ${national.slice(3, 6)}-${national.slice(6, 8)}-${national.slice(8)}`,
    `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`,
    `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6, 8)}-${national.slice(8)}`,
    national.slice(3),
  ];
}

/** Runs the whole identification and the operator's sign-in, recording what must stay out of the logs. */
async function runIdentification(): Promise<void> {
  secrets.push({ what: 'phone', values: [...phoneFormats(phone), phoneAsTyped] });
  secrets.push({ what: 'e-mail', values: [email, email.toUpperCase(), email.split('@')[0] as string] });
  secrets.push({
    what: 'message text',
    values: [messageText, passport, '4510123456', snils, '11223344595', inn],
  });

  // By phone: a wrong code, then the right one.
  const byPhone = await connect({ lang: 'ru' });
  expect(await byPhone.request({ action: 'auth.requestCode', phone: phoneAsTyped })).toMatchObject({
    type: 'auth.codeSent',
  });
  const phoneCode = await codeFromOutbox(stack.httpUrl, phone);
  const wrongCode = String((Number(phoneCode) + 1) % 1_000_000).padStart(6, '0');
  secrets.push({ what: 'one-time code', values: [phoneCode, wrongCode] });
  expect(await byPhone.request({ action: 'auth.verifyCode', code: wrongCode })).toMatchObject({
    code: 'INVALID_CODE',
  });
  const verified = await byPhone.request({ action: 'auth.verifyCode', code: phoneCode });
  expect(verified).toMatchObject({ type: 'auth.verified' });
  const resumeToken = String(verified.resumeToken);
  secrets.push({ what: 'resume token', values: [resumeToken, resumeToken.split('.')[2] as string] });
  await byPhone.request({ action: 'message.send', clientMessageId: randomUUID(), text: messageText });
  // A device of the verified citizen: its token is a secret of the device (the desk).
  const deviceToken = `fcm-${randomUUID()}-privacy-device-token`;
  secrets.push({ what: 'device token', values: [deviceToken] });
  expect(await byPhone.request({ action: 'push.register', platform: 'fcm', deviceToken })).toMatchObject({
    type: 'push.registered',
  });
  await byPhone.close();

  // By e-mail, on another session.
  const byEmail = await connect({ lang: 'en' });
  expect(await byEmail.request({ action: 'auth.requestCode', email })).toMatchObject({
    type: 'auth.codeSent',
  });
  const emailCode = await codeFromOutbox(stack.httpUrl, email);
  secrets.push({ what: 'one-time code', values: [emailCode] });
  const verifiedByEmail = await byEmail.request({ action: 'auth.verifyCode', code: emailCode });
  secrets.push({ what: 'resume token', values: [String(verifiedByEmail.resumeToken)] });
  await byEmail.close();

  // Resume with the token: the welcome carries a fresh one.
  const resumed = await connect({ token: resumeToken });
  const welcome = await resumed.request({ action: 'hello' });
  expect(welcome).toMatchObject({ type: 'welcome', verified: true });
  secrets.push({ what: 'resume token', values: [String(welcome.resumeToken)] });
  await resumed.close();

  // The portal's feedback form with the same contact and text, and a name (tickets).
  secrets.push({ what: 'name', values: ['Иван Приватов'] });
  const form = await fetch(`${stack.httpUrl}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ name: 'Иван Приватов', contact: phoneAsTyped, text: messageText }),
  });
  expect(form.status).toBe(201);
  const { ticketId } = (await form.json()) as { ticketId: string };

  // An operator signs in and connects; a forged token is refused.
  const { idToken, accessToken } = await signInAs(stack.httpUrl, 'operator');
  secrets.push({ what: 'ID token', values: [idToken, idToken.split('.')[2] as string] });
  secrets.push({ what: 'access token', values: [accessToken, accessToken.split('.')[2] as string] });
  const operator = await connect({ token: idToken });
  await operator.request({ action: 'canned.list', query: 'пароль' });
  // A note on that ticket quoting the text (the citizen reads notes; logs never do).
  expect(
    await operator.request({
      action: 'ticket.setStatus',
      ticketId,
      status: 'in_progress',
      note: messageText,
    }),
  ).toMatchObject({ type: 'ticket.updated' });
  await operator.close();
  const [header, payload] = idToken.split('.');
  const forged = `${header}.${payload}.${'A'.repeat(342)}`;
  secrets.push({ what: 'forged token', values: [forged] });
  await expect(connect({ token: forged })).rejects.toBeInstanceOf(UpgradeRefusedError);
}

/** A value found in a line as a whole token of it: digits not inside a longer number or word. */
function occurs(line: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`, 'i').test(line);
}

describe('the logs of a full identification', () => {
  it('carry no phone, e-mail, code, token or message text in any line', { timeout: 60_000 }, async () => {
    // Act
    await runIdentification();
    await stack.stop();
    if (pending) lines.push(pending);

    // Assess: the capture works (the functions logged at DEBUG, the authorizer its refusal)...
    const logLines = lines.filter((line) => line.startsWith('{'));
    const logged = (message: string) =>
      logLines.filter((line) => line.includes(`"message":"${message}"`)).length;
    expect(logged('one-time code sent')).toBe(2);
    expect(logged('session verified')).toBe(2);
    expect(logged('portal feedback ticket')).toBe(1);
    expect(logged('ticket status changed')).toBe(1);
    expect(logLines.some((line) => line.includes('"code":"INVALID_CODE"'))).toBe(true);
    expect(logLines.some((line) => line.includes('operator_token_invalid'))).toBe(true);
    // ...and none of them leaks.
    const leaks = lines.flatMap((line) =>
      secrets.flatMap(({ what, values }) =>
        values
          .filter((value) => value.length >= 6 && occurs(line, value))
          .map(() => `${what} in: ${line.slice(0, 300)}`),
      ),
    );
    expect(leaks).toEqual([]);
  });
});
