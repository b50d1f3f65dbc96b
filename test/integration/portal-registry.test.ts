/**
 * The citizen's applications in the chat, on the local stack (the portal registry's sample dataset):
 * a guest asking "где мой загранпаспорт" is asked to identify; the same citizen, verified with the
 * e-mail the sample knows, gets their application, its status and next step, in words; a question
 * in the bot's MFC style still gets the MFC answer. The registry being down is the adapter's and the
 * answer's (functions/adapters/portal-registry.test.ts, functions/domain/portal/).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const { connect } = useClients();

async function ask(client: ChatClient, text: string): Promise<Frame> {
  const before = client.frames.filter((f) => f.type === 'message' && f.from === 'bot').length;
  await client.request({ action: 'message.send', clientMessageId: randomUUID(), text });
  return client.waitFor(
    (f) =>
      f.type === 'message' &&
      f.from === 'bot' &&
      client.frames.filter((g) => g.type === 'message' && g.from === 'bot').indexOf(f) >= before,
    10_000,
  );
}

describe('the citizen’s applications in the chat', () => {
  it('asks a guest to identify, then answers the verified citizen from the portal registry', async () => {
    const client = await connect();
    const asGuest = await ask(client, 'где мой загранпаспорт?');
    expect(asGuest).toMatchObject({ intent: 'application.status' });
    expect(String(asGuest.text)).toContain('подтвердить, что это вы');

    await verifyByEmail(client, inject('localHttpUrl'), 'anna.petrova@example.org');
    const answer = await ask(client, 'так где мой загранпаспорт?');
    expect(answer).toMatchObject({ intent: 'application.status' });
    expect(String(answer.text)).toContain('Ваши заявления:');
    expect(String(answer.text)).toContain('«Загранпаспорт на 5 лет», заявление №');
    expect(String(answer.text)).not.toContain('Замена водительского удостоверения');
  });
});
