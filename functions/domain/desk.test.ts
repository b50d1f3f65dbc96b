import { describe, expect, it } from 'vitest';
import type { Caller } from '#events/authorizer-context.ts';
import { operatorTransferFrameSchema, pushRegisterFrameSchema } from '#events/desk-frames.ts';
import type { Conversation } from './conversations.ts';
import { requireAssignedTo, requireCitizensOwn } from './desk.ts';
import { offlineNotice } from './use-cases/notify-offline-citizen.ts';

const conversation: Conversation = {
  conversationId: 'c-1',
  sessionId: 's-1',
  citizenId: 'cit-1',
  state: 'operator',
  lastSeq: 4,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
  expiresAt: 1_900_000_000,
  operatorId: 'op-1',
  operatorName: 'Анна',
};
const operator: Caller = {
  principalId: 'op-1',
  sessionId: 'op-1',
  role: 'operator',
  lang: 'ru',
  displayName: 'Анна',
};
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('whose conversation it is', () => {
  it('lets only the assigned operator work on a conversation with an operator', () => {
    expect(requireAssignedTo(conversation, operator)).toBe(conversation);
    expect(code(() => requireAssignedTo(conversation, { ...operator, principalId: 'op-2' }))).toBe(
      'FORBIDDEN',
    );
    expect(code(() => requireAssignedTo({ ...conversation, state: 'queued' }, operator))).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for an unknown conversation and CONFLICT for a closed one', () => {
    expect(code(() => requireAssignedTo(undefined, operator))).toBe('NOT_FOUND');
    expect(code(() => requireAssignedTo({ ...conversation, state: 'closed' }, operator))).toBe('CONFLICT');
  });

  it("recognises a citizen's own conversation by citizen id or, as a guest, by session", () => {
    const guest: Caller = { principalId: 's-1', sessionId: 's-1', role: 'guest', lang: 'ru' };
    const sameCitizenOtherDevice: Caller = {
      principalId: 's-9',
      sessionId: 's-9',
      role: 'citizen',
      lang: 'ru',
      citizenId: 'cit-1',
    };
    const stranger: Caller = {
      principalId: 's-2',
      sessionId: 's-2',
      role: 'citizen',
      lang: 'ru',
      citizenId: 'cit-2',
    };
    expect(requireCitizensOwn(conversation, guest)).toBe(conversation);
    expect(requireCitizensOwn(conversation, sameCitizenOtherDevice)).toBe(conversation);
    expect(code(() => requireCitizensOwn(conversation, stranger))).toBe('FORBIDDEN');
    expect(code(() => requireCitizensOwn(undefined, guest))).toBe('NOT_FOUND');
  });
});

describe('offline notices', () => {
  it('say that something waits, in the citizen language, without the message or personal data', () => {
    expect(offlineNotice({ kind: 'operator_reply', conversationId: 'c-1' }, 'en')).toEqual({
      title: 'Support replied',
      text: 'A specialist replied in the support chat. Open the chat to read it.',
      data: { conversationId: 'c-1' },
    });
    expect(
      offlineNotice(
        { kind: 'ticket_update', ticketId: 't-1', number: 'GU-20261124-7K3F9Q', statusLabel: 'Ожидание' },
        'ru',
      ),
    ).toEqual({
      title: 'Обращение GU-20261124-7K3F9Q',
      text: 'Статус обращения GU-20261124-7K3F9Q: «Ожидание». Подробности — в чате поддержки.',
      data: { ticketId: 't-1' },
    });
  });
});

describe('desk frames', () => {
  it('accept a transfer to the senior queue or a category, with a reason, and nothing else', () => {
    const frame = { action: 'operator.transfer', conversationId: 'c-1', reason: '  сложный случай ' };
    expect(operatorTransferFrameSchema.parse({ ...frame, to: 'senior' }).reason).toBe('сложный случай');
    expect(operatorTransferFrameSchema.safeParse({ ...frame, to: 'legal' }).success).toBe(true);
    expect(operatorTransferFrameSchema.safeParse({ ...frame, to: 'boss' }).success).toBe(false);
    expect(operatorTransferFrameSchema.safeParse({ ...frame, to: 'senior', reason: '   ' }).success).toBe(
      false,
    );
  });

  it('accept FCM and APNs device tokens and refuse anything that could smuggle markup', () => {
    const frame = { action: 'push.register', platform: 'apns' };
    expect(pushRegisterFrameSchema.safeParse({ ...frame, deviceToken: 'a1'.repeat(32) }).success).toBe(true);
    expect(
      pushRegisterFrameSchema.safeParse({ ...frame, platform: 'fcm', deviceToken: 'dGVzdA:APA91bH-x_y.z' })
        .success,
    ).toBe(true);
    expect(
      pushRegisterFrameSchema.safeParse({ ...frame, deviceToken: '<script>alert(1)</script>' }).success,
    ).toBe(false);
    expect(
      pushRegisterFrameSchema.safeParse({ ...frame, platform: 'wns', deviceToken: 'a1'.repeat(32) }).success,
    ).toBe(false);
  });
});
