import { describe, expect, it } from 'vitest';
import { offlineNotice } from './notify-offline-citizen.ts';

describe('offline notices', () => {
  it('say that something waits, in the citizen language, without the message or personal data', () => {
    expect(offlineNotice({ kind: 'operator_reply', conversationId: 'c-1', seq: 4 }, 'en')).toEqual({
      title: 'Support replied',
      text: 'A specialist replied in the support chat. Open the chat to read it.',
      data: { conversationId: 'c-1' },
    });
    expect(
      offlineNotice(
        {
          kind: 'ticket_update',
          ticketId: 't-1',
          version: 2,
          number: 'GU-20261124-7K3F9Q',
          statusLabel: 'Ожидание',
        },
        'ru',
      ),
    ).toEqual({
      title: 'Обращение GU-20261124-7K3F9Q',
      text: 'Статус обращения GU-20261124-7K3F9Q: «Ожидание». Подробности — в чате поддержки.',
      data: { ticketId: 't-1' },
    });
  });
});
