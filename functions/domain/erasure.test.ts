import { describe, expect, it } from 'vitest';
import type { Conversation } from './conversations.ts';
import { anonymisedConversation, anonymisedTicket, ERASED } from './erasure.ts';
import type { Ticket } from './tickets.ts';

describe('what an erasure keeps', () => {
  it('keeps a ticket’s number, category, statuses, times and actors, and nothing that leads to the citizen', () => {
    // Prepare
    const ticket: Ticket = {
      ticketId: 't-1',
      number: 'GU-20261201-ABCDEF',
      status: 'completed',
      category: 'legal',
      source: 'portal',
      sessionId: 's-1',
      citizenId: 'c-1',
      contactId: 'c-1',
      lang: 'ru',
      intake: { problem: 'мой паспорт 4510 123456' },
      contact: { name: 'Иван Иванов', channel: 'sms', address: '+79161234567' },
      requestHash: 'h',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T11:00:00.000Z',
      waitingFor: { what: 'скан паспорта' },
      history: [
        { status: 'received', at: '2026-12-01T10:00:00.000Z', actor: 'system', note: 'Иван' },
        {
          status: 'completed',
          at: '2026-12-01T11:00:00.000Z',
          actor: 'operator',
          actorId: 'op-1',
          note: 'звонил Ивану',
        },
      ],
      feedback: { rating: 5, comment: 'Спасибо, Иван', at: '2026-12-01T11:05:00.000Z' },
      version: 3,
      expiresAt: 1,
    };

    // Act
    const kept = anonymisedTicket(ticket, '2026-12-02T09:00:00.000Z');

    // Assess
    expect(kept).toEqual({
      ticketId: 't-1',
      number: 'GU-20261201-ABCDEF',
      status: 'completed',
      category: 'legal',
      source: 'portal',
      lang: 'ru',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T11:00:00.000Z',
      history: [
        { status: 'received', at: '2026-12-01T10:00:00.000Z', actor: 'system' },
        { status: 'completed', at: '2026-12-01T11:00:00.000Z', actor: 'operator', actorId: 'op-1' },
      ],
      feedback: { rating: 5, at: '2026-12-01T11:05:00.000Z' },
      version: 4,
      expiresAt: 1,
    });
  });

  it('ends a ticket still open as rejected by the system at the erasure, keeping its earlier moves', () => {
    // Prepare
    const ticket: Ticket = {
      ticketId: 't-2',
      number: 'GU-20261201-QWERTY',
      status: 'in_progress',
      category: 'auth',
      source: 'chat',
      sessionId: 's-1',
      citizenId: 'c-1',
      conversationId: 'cv-1',
      lang: 'en',
      intake: { problem: 'cannot sign in as ivan@example.org' },
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:05:00.000Z',
      history: [
        { status: 'received', at: '2026-12-01T10:00:00.000Z', actor: 'system' },
        { status: 'in_progress', at: '2026-12-01T10:05:00.000Z', actor: 'operator', actorId: 'op-1' },
      ],
      version: 2,
      expiresAt: 1,
    };

    // Act
    const kept = anonymisedTicket(ticket, '2026-12-02T09:00:00.000Z');

    // Assess
    expect(kept).toEqual({
      ticketId: 't-2',
      number: 'GU-20261201-QWERTY',
      status: 'rejected',
      category: 'auth',
      source: 'chat',
      conversationId: 'cv-1',
      lang: 'en',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-02T09:00:00.000Z',
      history: [
        { status: 'received', at: '2026-12-01T10:00:00.000Z', actor: 'system' },
        { status: 'in_progress', at: '2026-12-01T10:05:00.000Z', actor: 'operator', actorId: 'op-1' },
        { status: 'rejected', at: '2026-12-02T09:00:00.000Z', actor: 'system' },
      ],
      version: 3,
      expiresAt: 1,
    });
  });

  it('closes the conversation and keeps its state, times, queue and operator, not its session, citizen or intake', () => {
    // Prepare
    const conversation = {
      conversationId: 'cv-1',
      sessionId: 's-1',
      citizenId: 'c-1',
      state: 'operator',
      lastSeq: 7,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:30:00.000Z',
      expiresAt: 1,
      category: 'legal',
      operatorId: 'op-1',
      assignedAt: '2026-12-01T10:05:00.000Z',
      ticketNumber: 'GU-20261201-ABCDEF',
      lastBotIntent: 'support.operator',
      queue: 'legal',
    } satisfies Conversation;

    // Act
    const kept = anonymisedConversation(conversation);

    // Assess
    expect(kept).toEqual({
      conversationId: 'cv-1',
      sessionId: ERASED,
      state: 'closed',
      lastSeq: 7,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:30:00.000Z',
      expiresAt: 1,
      category: 'legal',
      operatorId: 'op-1',
      assignedAt: '2026-12-01T10:05:00.000Z',
      ticketNumber: 'GU-20261201-ABCDEF',
    });
  });
});
