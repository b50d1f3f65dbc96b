import { describe, expect, it } from 'vitest';
import type { Caller } from '#events/authorizer-context.ts';
import type { Conversation } from '../conversations.ts';
import { mayReadHistory } from './read-history.ts';

const conversation = (fields: Partial<Conversation> = {}): Conversation => ({
  conversationId: 'conv-1',
  sessionId: 'session-1',
  state: 'operator',
  lastSeq: 4,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:05:00.000Z',
  expiresAt: 0,
  ...fields,
});

const caller = (role: Caller['role'], id: string): Caller => ({
  role,
  sessionId: id,
  principalId: id,
  lang: 'ru',
});

describe('who may read a conversation’s history', () => {
  it('lets a citizen or guest read their own session’s conversation, and nobody else’s', () => {
    expect(mayReadHistory(conversation(), caller('guest', 'session-1'))).toBe(true);
    expect(mayReadHistory(conversation(), caller('citizen', 'session-1'))).toBe(true);
    expect(mayReadHistory(conversation(), caller('citizen', 'session-2'))).toBe(false);
  });

  it('lets a verified citizen read their conversation from another session, and no other citizen', () => {
    const theirs = conversation({ citizenId: 'cit-1' });
    expect(mayReadHistory(theirs, { ...caller('citizen', 'session-2'), citizenId: 'cit-1' })).toBe(true);
    expect(mayReadHistory(theirs, { ...caller('citizen', 'session-3'), citizenId: 'cit-2' })).toBe(false);
    expect(mayReadHistory(conversation(), { ...caller('citizen', 'session-2'), citizenId: 'cit-1' })).toBe(
      false,
    );
  });

  it('lets an operator or senior read the conversation assigned to them, and no other', () => {
    const assigned = conversation({ operatorId: 'op-1', operatorName: 'Анна' });
    expect(mayReadHistory(assigned, caller('operator', 'op-1'))).toBe(true);
    expect(mayReadHistory(conversation({ operatorId: 'sr-1' }), caller('senior', 'sr-1'))).toBe(true);
    expect(mayReadHistory(assigned, caller('operator', 'op-2'))).toBe(false);
    expect(mayReadHistory(conversation({ state: 'queued' }), caller('senior', 'sr-1'))).toBe(false);
  });

  it('never lets an operator in through a session id equal to their own', () => {
    expect(mayReadHistory(conversation({ sessionId: 'op-1' }), caller('operator', 'op-1'))).toBe(false);
  });
});
