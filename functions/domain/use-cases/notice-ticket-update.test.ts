/**
 * When a ticket's write is worth a notice to an offline citizen. In-memory ports; the push, SMS and
 * local outbox run end to end in test/integration.
 */
import { describe, expect, it } from 'vitest';
import type { TicketNoticeImage } from '#events/desk-stream-records.ts';
import { noticeTicketUpdate } from './notice-ticket-update.ts';
import type { NotifyOfflineCitizenDeps } from './notify-offline-citizen.ts';

function offlineCitizen() {
  const sms: string[] = [];
  const deps = {
    connections: { listByPrincipal: async () => [] },
    citizenSessions: { sessionIdsOf: async () => [] },
    devices: { listByOwners: async () => [], delete: async () => undefined },
    pushes: { push: async () => 'sent' as const },
    smsContacts: { smsPhoneOf: async () => '+79990000000' },
    // Every notice a first one (replays are tested against DynamoDB Local in desk.int.test.ts).
    once: {
      run: async (_key: string, work: () => Promise<unknown>) => ({ result: await work(), repeated: false }),
    },
    outOfBand: {
      send: async (message: { text: string }) => {
        sms.push(message.text);
      },
    },
  } as unknown as NotifyOfflineCitizenDeps;
  return { deps, sms };
}

const ticket: TicketNoticeImage = {
  ticketId: 't-1',
  number: 'GU-20261124-7K3F9Q',
  status: 'waiting',
  version: 3,
  sessionId: 's-1',
  citizenId: 'cit-1',
  lang: 'ru',
};

describe('ticket update notices', () => {
  it('tell an offline citizen the new status by SMS when no device is registered', async () => {
    // Prepare
    const { deps, sms } = offlineCitizen();

    // Act
    const outcome = await noticeTicketUpdate(deps, { previousStatus: 'in_progress', ticket });

    // Assess
    expect(outcome).toEqual({ status: 'sms', gone: 0 });
    expect(sms).toEqual([
      'Обращение GU-20261124-7K3F9Q. Статус обращения GU-20261124-7K3F9Q: «Ожидание». Подробности — в чате поддержки.',
    ]);
  });

  it('tell nobody when the status did not change, or when nobody identified in the chat owns the ticket', async () => {
    // Prepare
    const { deps, sms } = offlineCitizen();
    const portalTicket: TicketNoticeImage = { ...ticket, sessionId: undefined, citizenId: undefined };

    // Act
    const unchanged = await noticeTicketUpdate(deps, { previousStatus: 'waiting', ticket });
    const unowned = await noticeTicketUpdate(deps, { previousStatus: 'received', ticket: portalTicket });

    // Assess
    expect([unchanged, unowned]).toEqual([undefined, undefined]);
    expect(sms).toEqual([]);
  });
});
