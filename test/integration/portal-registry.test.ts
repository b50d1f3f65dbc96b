/**
 * The citizen's applications in the chat, on the local stack (the portal registry's sample dataset):
 * a guest asking "где мой загранпаспорт" is asked to identify; once verified with the e-mail the
 * sample knows, the answer comes without asking again (the pending question on the conversation), once:
 * their application, its status and next step, in words. The registry being down is the adapter's and the
 * answer's (functions/adapters/portal-registry.test.ts, functions/domain/portal/).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const { connect } = useClients();

/**
 * Sends `text` and returns the bot's next message: received so far or later (the reply may come in
 * the same read as the ack, before this function waits).
 */
async function ask(client: ChatClient, text: string): Promise<Frame> {
  const isBot = (f: Frame) => f.type === 'message' && f.from === 'bot';
  const before = client.frames.filter(isBot).length;
  await client.request({ action: 'message.send', clientMessageId: randomUUID(), text });
  return frameWith(client, (f) => isBot(f) && client.frames.filter(isBot).indexOf(f) >= before);
}

describe('the citizen’s applications in the chat', () => {
  it('asks a guest to identify, then answers the question once they do, without asking again', async () => {
    // Prepare: a guest asks about their foreign passport and is invited to identify.
    const client = await connect();
    const asGuest = await ask(client, 'где мой загранпаспорт?');
    expect(asGuest).toMatchObject({ intent: 'application.status' });
    expect(String(asGuest.text)).toContain('подтвердить, что это вы');
    // Asked again before identifying (now about their driving licence), the question is not a failed
    // answer: the invitation again, and the newer question is the one answered after identifying.
    const guestAgain = await ask(client, 'а что с моим заявлением на замену водительского удостоверения?');
    expect(guestAgain).toMatchObject({ intent: 'application.status' });
    expect(String(guestAgain.text)).toContain('подтвердить, что это вы');

    // Act: they identify with the e-mail the registry knows, and write nothing more.
    const answered = client.waitFor(
      (f) => f.type === 'message' && f.from === 'bot' && String(f.text).includes('Ваши заявления:'),
      10_000,
    );
    await verifyByEmail(client, inject('localHttpUrl'), 'anna.petrova@example.org');
    const answer = await answered;

    // Assess: the answer to the last question they asked as a guest, in the same conversation, once.
    expect(answer).toMatchObject({ intent: 'application.status', conversationId: asGuest.conversationId });
    expect(answer.seq).toBe(Number(guestAgain.seq) + 1);
    expect(String(answer.text)).toContain('Замена водительского удостоверения');
    expect(String(answer.text)).not.toContain('Загранпаспорт на 5 лет');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const history = await client.request({ action: 'history.get', conversationId: asGuest.conversationId });
    const replies = (history.messages as Array<{ from: string; text: string }>).filter((m) =>
      m.text.includes('Ваши заявления:'),
    );
    expect(replies).toHaveLength(1);

    // Asked again later, it is a fair new question and is answered again (not a repeat).
    const again = await ask(client, 'так где мой загранпаспорт?');
    expect(again).toMatchObject({ intent: 'application.status' });
    expect(String(again.text)).toContain('«Загранпаспорт на 5 лет», заявление №');
  });

  it('answers nothing after identification to a guest who asked no such question', async () => {
    const client = await connect();
    const hello = await ask(client, 'как восстановить пароль?');
    expect(hello.intent).not.toBe('application.status');
    await verifyByEmail(client, inject('localHttpUrl'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const history = await client.request({ action: 'history.get', conversationId: hello.conversationId });
    expect((history.messages as unknown[]).length).toBe(2);
  });
});
