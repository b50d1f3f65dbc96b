import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/support/chat-errors.ts';
import { MAX_TEXT_LENGTH, normalizeMessageText, type StoredMessage, toChatMessage } from './messages.ts';

describe('message text', () => {
  it('trims the spaces and line breaks around the text', () => {
    // Prepare
    const text = '  \n не могу войти \t ';

    // Act
    const normalized = normalizeMessageText(text);

    // Assess
    expect(normalized).toBe('не могу войти');
  });

  it('refuses a text that is empty after trimming as BAD_REQUEST naming the text field', () => {
    // Act
    const error = thrownBy(() => normalizeMessageText(' \n\t '));

    // Assess
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.details).toEqual([{ field: 'text', problem: 'empty after trimming' }]);
  });

  it('accepts exactly 4000 characters', () => {
    // Prepare
    const text = 'я'.repeat(MAX_TEXT_LENGTH);

    // Act
    const normalized = normalizeMessageText(text);

    // Assess
    expect(normalized).toHaveLength(4000);
  });

  it('refuses 4001 characters as PAYLOAD_TOO_LARGE', () => {
    // Act
    const error = thrownBy(() => normalizeMessageText('я'.repeat(MAX_TEXT_LENGTH + 1)));

    // Assess
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('counts an emoji as one character, as the citizen sees it', () => {
    // Prepare
    const text = '🙂'.repeat(MAX_TEXT_LENGTH);

    // Act
    const normalized = normalizeMessageText(text);

    // Assess
    expect(normalized).toBe(text);
  });

  it('measures the length after trimming, so padding does not count', () => {
    // Prepare
    const text = `   ${'a'.repeat(MAX_TEXT_LENGTH)}   `;

    // Act
    const normalized = normalizeMessageText(text);

    // Assess
    expect(normalized).toHaveLength(MAX_TEXT_LENGTH);
  });
});

describe('the message a client sees', () => {
  it('keeps the bot fields and leaves out the sender id, clientMessageId and escalation metadata', () => {
    // Prepare
    const stored: StoredMessage = {
      conversationId: 'c1',
      seq: 2,
      messageId: 'm2',
      from: 'bot',
      senderId: 'bot',
      text: 'Ответ',
      ts: '2026-11-25T10:00:00.000Z',
      expiresAt: 1_900_000_000,
      clientMessageId: 'never-shown',
      intent: 'auth.password_reset',
      confidence: 0.91,
      suggestions: [{ intent: 'auth.account_locked', title: 'Учётная запись заблокирована' }],
      escalate: false,
      category: 'auth',
    };

    // Act
    const message = toChatMessage(stored);

    // Assess
    expect(message).toEqual({
      conversationId: 'c1',
      messageId: 'm2',
      seq: 2,
      from: 'bot',
      text: 'Ответ',
      ts: '2026-11-25T10:00:00.000Z',
      intent: 'auth.password_reset',
      confidence: 0.91,
      suggestions: [{ intent: 'auth.account_locked', title: 'Учётная запись заблокирована' }],
    });
  });
});
