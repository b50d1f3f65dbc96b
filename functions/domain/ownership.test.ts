import { describe, expect, it } from 'vitest';
import type { Caller } from '#events/authorizer-context.ts';
import type { Conversation } from './conversations.ts';
import { requireAssignedTo, requireCitizensOwn } from './ownership.ts';

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
