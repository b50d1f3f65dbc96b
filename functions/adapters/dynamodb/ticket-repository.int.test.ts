/**
 * Tickets on DynamoDB Local (started by the test run's global setup): opening is idempotent on
 * (conversationId, attempt), numbers are unique by their claim (a taken number is drawn again, not
 * left to luck), and of concurrent transitions of one ticket exactly one is stored.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { ChatError } from '#domain/errors.ts';
import type { ConnectionNotifier, PushedFrame } from '#domain/ports/delivery.ts';
import { expiresAfterDays } from '#domain/retention.ts';
import { applyTransition } from '#domain/tickets.ts';
import { transitionTicket } from '#domain/use-cases/change-ticket-status.ts';
import { openTicket, TicketNumbersExhaustedError } from '#domain/use-cases/open-ticket.ts';
import { tableNames } from '../../../test/support/emulator-env.ts';
import { DynamoCitizenSessionLookup } from './citizen-session-lookup.ts';
import { DynamoConnectionRepository } from './connection-repository.ts';
import { DynamoConversationRepository } from './conversation-repository.ts';
import { DynamoTicketRepository, numberClaimKey } from './ticket-repository.ts';

const names = tableNames();
const ticketsTable = String(process.env.TICKETS_TABLE);
const tickets = new DynamoTicketRepository({ ticketsTable, conversationsTable: names.conversationsTable });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const clock = { now: () => new Date() };

/** Random bytes from a script: each call takes the next fill value (then the last one forever). */
function scriptedRandom(...fills: number[]) {
  let call = 0;
  return (size: number) => new Uint8Array(size).fill(fills[Math.min(call++, fills.length - 1)] ?? 0);
}

async function storedConversation(fields: Record<string, unknown> = {}): Promise<string> {
  const conversationId = randomUUID();
  const now = new Date().toISOString();
  await documents.send(
    new PutCommand({
      TableName: names.conversationsTable,
      Item: {
        conversationId,
        sessionId: randomUUID(),
        state: 'queued',
        lastSeq: 3,
        createdAt: now,
        updatedAt: now,
        expiresAt: expiresAfterDays(new Date(), 1),
        ...fields,
      },
    }),
  );
  return conversationId;
}

const escalation = (conversationId: string, attempt = 1) => ({
  conversationId,
  sessionId: randomUUID(),
  category: 'auth' as const,
  intent: 'auth.password_reset',
  intake: { problem: 'не могу войти' },
  lang: 'ru' as const,
  attempt,
});

describe('opening tickets (DynamoDB Local)', () => {
  it('opens a received ticket with a readable number and records it on the conversation', async () => {
    // Prepare
    const conversationId = await storedConversation();

    // Act
    const { ticket, created } = await openTicket(
      { tickets, clock, retentionDays: 1 },
      escalation(conversationId),
    );
    const conversation = await new DynamoConversationRepository(names.conversationsTable).get(conversationId);

    // Assess
    expect(created).toBe(true);
    expect(ticket).toMatchObject({ status: 'received', category: 'auth', conversationId, version: 0 });
    expect(ticket.number).toMatch(/^GU-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(ticket.history).toEqual([{ status: 'received', at: ticket.createdAt, actor: 'system' }]);
    expect(await tickets.get(ticket.ticketId)).toEqual(ticket);
    expect(await tickets.getByNumber(ticket.number)).toEqual(ticket);
    expect(conversation?.ticketId).toBe(ticket.ticketId);
  });

  it('answers the same ticket to a redelivered escalation, and a new one to the next attempt', async () => {
    // Prepare
    const conversationId = await storedConversation();
    const deps = { tickets, clock, retentionDays: 1 };

    // Act
    const [first, again] = await Promise.all([
      openTicket(deps, escalation(conversationId)),
      openTicket(deps, escalation(conversationId)),
    ]);
    const second = await openTicket(deps, escalation(conversationId, 2));
    const late = await openTicket(deps, escalation(conversationId, 1));
    const conversation = await new DynamoConversationRepository(names.conversationsTable).get(conversationId);

    // Assess
    expect([first.created, again.created].sort()).toEqual([false, true]);
    expect(again.ticket).toEqual(first.ticket);
    expect(late).toEqual({ ticket: first.ticket, created: false });
    expect(second.ticket.ticketId).not.toBe(first.ticket.ticketId);
    expect(second.ticket.number).not.toBe(first.ticket.number);
    // A redelivery of the first escalation does not take the conversation back from the second ticket.
    expect(conversation?.ticketId).toBe(second.ticket.ticketId);
  });

  it('draws another number when the one drawn is taken: uniqueness by the claim, not by luck', async () => {
    // Prepare: a random source that always draws 7s takes GU-<today>-777777 (the stack's tables are
    // fresh for each test run, and no other test fixes its random bytes).
    const first = await openTicket(
      { tickets, clock, retentionDays: 1, random: scriptedRandom(7) },
      escalation(await storedConversation()),
    );

    // Act: the next ticket draws 7s first, then 8s; a third can only ever draw 7s.
    const second = await openTicket(
      { tickets, clock, retentionDays: 1, random: scriptedRandom(7, 8) },
      escalation(await storedConversation()),
    );
    const third = openTicket(
      { tickets, clock, retentionDays: 1, random: scriptedRandom(7) },
      escalation(await storedConversation()),
    );

    // Assess
    expect(first.ticket.number).toMatch(/-777777$/);
    expect(second.ticket.number).toMatch(/-888888$/);
    await expect(third).rejects.toBeInstanceOf(TicketNumbersExhaustedError);
    const claim = await documents.send(
      new GetCommand({ TableName: ticketsTable, Key: { ticketId: numberClaimKey(first.ticket.number) } }),
    );
    expect(claim.Item?.claimOf).toBe(first.ticket.ticketId);
  });
});

class RecordingNotifier implements ConnectionNotifier {
  readonly posts: PushedFrame[] = [];
  async post(_: string, frame: PushedFrame) {
    this.posts.push(frame);
    return 'delivered' as const;
  }
}

describe('changing a ticket’s status (DynamoDB Local)', () => {
  const changeDeps = () => ({
    tickets,
    conversations: new DynamoConversationRepository(names.conversationsTable),
    citizenSessions: new DynamoCitizenSessionLookup(names.sessionsTable),
    connections: new DynamoConnectionRepository(names.connectionsTable),
    notifier: new RecordingNotifier(),
    releaser: { releaseAssignment: async () => undefined },
    clock,
    retentionDays: 1,
  });

  it('writes exactly one of ten changes made from the same read; the other nine write nothing', async () => {
    // Prepare: ten writers that all read version 0, each with its own next state.
    const { ticket } = await openTicket(
      { tickets, clock, retentionDays: 1 },
      escalation(await storedConversation()),
    );
    const nexts = Array.from({ length: 10 }, (_, i) =>
      applyTransition(ticket, {
        to: i % 2 ? 'rejected' : 'in_progress',
        actor: { kind: 'operator', id: `op-${i}` },
        rejectReason: { reason: 'дубликат' },
        now: new Date(),
        expiresAt: ticket.expiresAt,
      }),
    );

    // Act
    const outcomes = await Promise.all(nexts.map((next) => tickets.replace(next, ticket)));
    const stored = await tickets.get(ticket.ticketId);

    // Assess
    expect(outcomes.filter((o) => o === 'replaced')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(9);
    const winner = nexts[outcomes.indexOf('replaced')];
    expect(stored).toMatchObject({ status: winner?.status, version: 1 });
    expect(stored?.history).toEqual(winner?.history);
  });

  it('keeps a staff note through the store, and reads an SLA note stored before it had one as staff’s', async () => {
    // Prepare: a move with a staff note written; the same ticket as stored before staff notes existed.
    const { ticket } = await openTicket(
      { tickets, clock, retentionDays: 1 },
      escalation(await storedConversation()),
    );
    const staffNote = 'SLA breach: taken by an operator after 125 s';
    const next = applyTransition(ticket, {
      to: 'in_progress',
      actor: { kind: 'operator', id: 'op-1' },
      staffNote,
      now: new Date(),
      expiresAt: ticket.expiresAt,
    });
    await tickets.replace(next, ticket);
    const written = await tickets.get(ticket.ticketId);
    const { Item } = await documents.send(
      new GetCommand({ TableName: ticketsTable, Key: { ticketId: ticket.ticketId } }),
    );
    const stored = Item as { history: Record<string, unknown>[] };
    const legacy = {
      ...stored,
      ticketId: randomUUID(),
      // Before staff notes, the SLA note was the entry's `note`.
      history: stored.history.map(({ staffNote: moved, ...entry }) =>
        moved ? { ...entry, note: moved } : entry,
      ),
    };
    await documents.send(new PutCommand({ TableName: ticketsTable, Item: legacy }));

    // Act
    const read = await tickets.get(String(legacy.ticketId));

    // Assess
    expect(written?.history[1]).toMatchObject({ status: 'in_progress', staffNote });
    expect(written?.history[1]?.note).toBeUndefined();
    expect(read?.history[1]).toMatchObject({ status: 'in_progress', staffNote });
    expect(read?.history[1]?.note).toBeUndefined();
  });

  it('writes an operator’s change only while the conversation is still theirs (a transfer wins)', async () => {
    // Prepare: the conversation went to op-2 after op-1 read it.
    const conversationId = await storedConversation({ state: 'operator', operatorId: 'op-2' });
    const { ticket } = await openTicket({ tickets, clock, retentionDays: 1 }, escalation(conversationId));
    const change = (to: 'in_progress' | 'rejected') =>
      applyTransition(ticket, {
        to,
        actor: { kind: 'operator', id: 'op-1' },
        rejectReason: { reason: 'x' },
        now: new Date(),
        expiresAt: ticket.expiresAt,
      });
    const whileAssigned = { conversationId, operatorId: 'op-1' };

    // Act
    const moving = await tickets.replace(change('in_progress'), ticket, { whileAssigned });
    const closing = await tickets.replace(change('rejected'), ticket, {
      whileAssigned,
      closeConversationId: conversationId,
    });
    const byTheAssigned = await tickets.replace(change('in_progress'), ticket, {
      whileAssigned: { conversationId, operatorId: 'op-2' },
    });

    // Assess
    expect([moving, closing, byTheAssigned]).toEqual(['conflict', 'conflict', 'replaced']);
    expect(await tickets.get(ticket.ticketId)).toMatchObject({ status: 'in_progress', version: 1 });
  });

  it('lets one of ten concurrent identical moves through the use case; the rest are CONFLICT', async () => {
    // Prepare
    const { ticket } = await openTicket(
      { tickets, clock, retentionDays: 1 },
      escalation(await storedConversation()),
    );

    // Act: in_progress → in_progress is forbidden, so whenever each writer reads, only one can move it.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        transitionTicket(changeDeps(), {
          ticketId: ticket.ticketId,
          to: 'in_progress',
          actor: { kind: 'operator', id: `op-${i}` },
        }),
      ),
    );
    const stored = await tickets.get(ticket.ticketId);

    // Assess
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(lost.map((o) => (o.reason as ChatError).code)).toEqual(Array(9).fill('CONFLICT'));
    expect(stored?.history.map((h) => h.status)).toEqual(['received', 'in_progress']);
  });

  it('closes the conversation in the same write when the ticket reaches a final status', async () => {
    // Prepare
    const conversationId = await storedConversation();
    const { ticket } = await openTicket({ tickets, clock, retentionDays: 1 }, escalation(conversationId));

    // Act
    await transitionTicket(changeDeps(), {
      ticketId: ticket.ticketId,
      to: 'rejected',
      actor: { kind: 'senior', id: 'sn-1' },
      rejectReason: { reason: 'не наша услуга', alternatives: ['МФЦ'] },
    });
    const conversation = await new DynamoConversationRepository(names.conversationsTable).get(conversationId);

    // Assess
    expect(conversation?.state).toBe('closed');
    expect(await tickets.get(ticket.ticketId)).toMatchObject({
      status: 'rejected',
      rejectReason: { reason: 'не наша услуга', alternatives: ['МФЦ'] },
    });
  });

  it('frees the operator slot on a repeat of a final move whose first try failed after the commit', async () => {
    // Prepare
    const conversationId = await storedConversation({ state: 'operator', operatorId: 'op-7' });
    const { ticket } = await openTicket({ tickets, clock, retentionDays: 1 }, escalation(conversationId));
    await transitionTicket(changeDeps(), {
      ticketId: ticket.ticketId,
      to: 'in_progress',
      actor: { kind: 'system' },
    });
    const released: string[][] = [];
    const failing = { releaseAssignment: async () => Promise.reject(new Error('assignment unavailable')) };
    const working = { releaseAssignment: async (c: string, o: string) => void released.push([c, o]) };

    // Act
    const first = transitionTicket(
      { ...changeDeps(), releaser: failing },
      { ticketId: ticket.ticketId, to: 'completed', actor: { kind: 'operator', id: 'op-7' } },
    );
    await expect(first).rejects.toThrow('assignment unavailable');
    const repeat = transitionTicket(
      { ...changeDeps(), releaser: working },
      { ticketId: ticket.ticketId, to: 'completed', actor: { kind: 'operator', id: 'op-7' } },
    );

    // Assess
    await expect(repeat).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(released).toEqual([[conversationId, 'op-7']]);
    expect((await tickets.get(ticket.ticketId))?.history.map((h) => h.status)).toEqual([
      'received',
      'in_progress',
      'completed',
    ]);
  });

  it('records a rating once, and only on a completed ticket', async () => {
    // Prepare
    const { ticket } = await openTicket(
      { tickets, clock, retentionDays: 1 },
      escalation(await storedConversation()),
    );
    const feedback = { rating: 4, at: new Date().toISOString() };

    // Act
    const early = await tickets.recordFeedback(ticket.ticketId, feedback);
    await transitionTicket(changeDeps(), {
      ticketId: ticket.ticketId,
      to: 'in_progress',
      actor: { kind: 'system' },
    });
    await transitionTicket(changeDeps(), {
      ticketId: ticket.ticketId,
      to: 'completed',
      actor: { kind: 'system' },
    });
    const both = await Promise.all([
      tickets.recordFeedback(ticket.ticketId, feedback),
      tickets.recordFeedback(ticket.ticketId, { ...feedback, rating: 1 }),
    ]);

    // Assess
    expect(early).toBe('conflict');
    expect(both.sort()).toEqual(['conflict', 'recorded']);
    expect((await tickets.get(ticket.ticketId))?.feedback?.rating).toBeGreaterThan(0);
  });
});
