/**
 * `suggest` end to end on the local stack: up to 3 intents for the prefix being typed, titled in
 * the language being typed, an empty list for an empty prefix, and error frames for a malformed or
 * over-long one, with the requestId echoed and the connection still usable. Nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { useClients } from '../support/clients.ts';
import type { Frame } from '../support/ws-client.ts';

const { connect } = useClients();

const intentsOf = (frame: Frame) => (frame.items as { intent: string; title: string }[]).map((i) => i.intent);
const titleOf = (frame: Frame, intent: string) =>
  (frame.items as { intent: string; title: string }[]).find((i) => i.intent === intent)?.title;

describe('suggestions while typing', () => {
  it('offers the password reset, titled in Russian, for «забыл па» in a Russian session', async () => {
    // Prepare
    const client = await connect({ lang: 'ru' });

    // Act
    const answer = await client.request({ action: 'suggest', text: 'забыл па' });

    // Assess
    expect(answer.type).toBe('suggestions');
    expect(intentsOf(answer)).toContain('auth.password_reset');
    expect((answer.items as unknown[]).length).toBeLessThanOrEqual(3);
    for (const { title } of answer.items as { title: string }[]) expect(title).toMatch(/[а-яё]/i);
    expect(titleOf(answer, 'auth.password_reset')).toBe('Восстановить пароль');
  });

  it('offers the opening hours, titled in English, for "opening ho" in an English session', async () => {
    // Prepare
    const client = await connect({ lang: 'en' });

    // Act
    const answer = await client.request({ action: 'suggest', text: 'opening ho' });

    // Assess
    expect(answer.type).toBe('suggestions');
    expect(intentsOf(answer)).toContain('mfc.hours');
    expect((answer.items as unknown[]).length).toBeLessThanOrEqual(3);
    expect(titleOf(answer, 'mfc.hours')).toBe('MFC opening hours and address');
  });

  it.each(['', '   '])('answers an empty list for the prefix %j', async (text) => {
    // Prepare
    const client = await connect();

    // Act
    const answer = await client.request({ action: 'suggest', text });

    // Assess
    expect(answer).toEqual({ type: 'suggestions', requestId: answer.requestId, items: [] });
  });

  it('echoes the requestId it was asked with', async () => {
    // Prepare
    const client = await connect();
    const answered = client.waitFor((f) => f.type === 'suggestions');

    // Act
    client.send({ action: 'suggest', requestId: 'typing-42', text: 'забыл па' });

    // Assess
    expect((await answered).requestId).toBe('typing-42');
  });
});

describe('a malformed suggest frame', () => {
  it('answers a text that is a number with BAD_REQUEST naming the text field', async () => {
    // Prepare
    const client = await connect();

    // Act
    const error = await client.request({ action: 'suggest', text: 5 });

    // Assess
    expect(error).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expect(error.details).toEqual([{ field: 'text', problem: expect.any(String) }]);
    expect(error.requestId).toEqual(expect.any(String));
  });

  it('answers a frame without text with BAD_REQUEST naming the text field', async () => {
    // Prepare
    const client = await connect();

    // Act
    const error = await client.request({ action: 'suggest' });

    // Assess
    expect(error).toMatchObject({ type: 'error', code: 'BAD_REQUEST', details: [{ field: 'text' }] });
  });

  it('answers a prefix over 200 characters with PAYLOAD_TOO_LARGE, as an over-long message', async () => {
    // Prepare
    const client = await connect({ lang: 'en' });

    // Act
    const error = await client.request({ action: 'suggest', text: 'a'.repeat(201) });

    // Assess
    expect(error).toMatchObject({
      type: 'error',
      code: 'PAYLOAD_TOO_LARGE',
      details: [{ field: 'text', problem: 'longer than 200 characters' }],
    });
    expect(error.message).toEqual(expect.any(String));
  });

  it('keeps the connection usable after errors', async () => {
    // Prepare
    const client = await connect();
    await client.request({ action: 'suggest', text: 5 });
    await client.request({ action: 'suggest', text: 'a'.repeat(201) });

    // Act
    const answer = await client.request({ action: 'suggest', text: 'забыл па' });

    // Assess
    expect(answer.type).toBe('suggestions');
    expect(intentsOf(answer)).toContain('auth.password_reset');
  });
});
