/**
 * The escalation consumer's use case against DynamoDB Local and the SQS emulator (private
 * conversations/operators tables and operator queues; the stack's TicketsTable, whose tickets are
 * keyed by these tests' own conversation ids): idempotent on (conversationId, attempt), and an
 * assignment at once when an operator with the skill is free. The `@connections` API and the timer
 * queue are in-memory ports, so the frames each side gets and the timers started can be read.
 * The cost of one escalation is counted with a middleware on the real DynamoDB and SQS clients.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionCitizenDirectory, UseCaseAssignmentTickets } from '#adapters/assignment-tickets.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { documentClient } from '#adapters/dynamodb/document-client.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { sqsClient } from '#adapters/sqs-client.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import type { TimerMessage } from '#events/timers.ts';
import {
  type AssignmentFixture,
  assignmentAdapters,
  assignmentFixture,
  messagesIn,
  onlineOperator,
  putConversation,
  putOperator,
  queuedByTheBot,
  RecordingNotifier,
  saveConnection,
  silentAssignmentMetrics,
  TEST_ASSIGNMENT_SETTINGS,
} from '../../../test/support/assignment-fixtures.ts';
import { anonymisedConversation } from '../erasure.ts';
import { type AdmitEscalationDeps, admitEscalation } from './admit-escalation.ts';
import { receiveEscalation } from './receive-escalation.ts';

const env = (name: string) => process.env[name] as string;

function depsFor(
  fixture: AssignmentFixture,
  notifier: RecordingNotifier,
  timers: TimerMessage[],
): AdmitEscalationDeps {
  const conversations = new DynamoConversationRepository(fixture.conversationsTable);
  const connections = new DynamoConnectionRepository(env('CONNECTIONS_TABLE'));
  const ticketRepository = new DynamoTicketRepository({
    ticketsTable: env('TICKETS_TABLE'),
    conversationsTable: fixture.conversationsTable,
  });
  return {
    ...assignmentAdapters(fixture),
    timers: { schedule: async (timer) => void timers.push(timer) },
    conversations,
    messages: new DynamoMessageRepository(env('MESSAGES_TABLE')),
    connections,
    notifier,
    tickets: new UseCaseAssignmentTickets({
      tickets: ticketRepository,
      conversations,
      citizenSessions: new DynamoCitizenSessionLookup(env('SESSIONS_TABLE')),
      connections,
      notifier,
      releaser: { releaseAssignment: async () => undefined },
      clock: systemClock,
      retentionDays: 1,
    }),
    citizens: new SessionCitizenDirectory(
      new DynamoSessionRepository(env('SESSIONS_TABLE')),
      ticketRepository,
    ),
    metrics: silentAssignmentMetrics,
    clock: systemClock,
    ids: randomIds,
    settings: TEST_ASSIGNMENT_SETTINGS,
  };
}

/** A conversation the bot just queued (no assignment fields yet), its escalation, and a connection of its session. */
async function queuedByTheBotWithConnection(fixture: AssignmentFixture) {
  const { conversation, event } = queuedByTheBot();
  await putConversation(fixture.conversationsTable, conversation);
  const connectionId = await saveConnection(conversation.sessionId, 'guest');
  return { event, connectionId };
}

describe('admitting an escalation (DynamoDB Local + SQS emulator)', () => {
  it('opens one ticket and one queue entry however often the escalation is delivered, and tells the citizen its number and place', async () => {
    // Prepare
    const fixture = await assignmentFixture();
    const notifier = new RecordingNotifier();
    const timers: TimerMessage[] = [];
    const deps = depsFor(fixture, notifier, timers);
    const { event, connectionId } = await queuedByTheBotWithConnection(fixture);

    // Act: three deliveries at once, then one more.
    const outcomes = await Promise.all([
      admitEscalation(deps, event),
      admitEscalation(deps, event),
      admitEscalation(deps, event),
    ]);
    outcomes.push(await admitEscalation(deps, event));

    // Assess
    const numbers = new Set(outcomes.map((o) => ('ticketNumber' in o ? o.ticketNumber : undefined)));
    expect(numbers.size).toBe(1);
    expect(outcomes.every((o) => o.status === 'queued' && o.queue === 'legal' && o.queuePosition === 1)).toBe(
      true,
    );
    const stored = await deps.conversations.get(event.conversationId);
    expect(stored).toMatchObject({
      state: 'queued',
      queue: 'legal',
      dispatchedAttempt: 1,
      ticketNumber: [...numbers][0],
    });
    expect(await messagesIn(fixture.queueUrls.legal)).toEqual({ visible: 1, inFlight: 0 });
    const slaTimers = timers.filter((t) => t.kind === 'sla.assign');
    expect(slaTimers.length).toBeGreaterThan(0);
    expect(slaTimers.every((t) => t.entryId === stored?.queueEntryId)).toBe(true);
    expect(notifier.to(connectionId)[0]).toEqual({
      type: 'conversation.updated',
      conversationId: event.conversationId,
      state: 'queued',
      queuePosition: 1,
      etaSeconds: 600,
      ticket: { ticketId: stored?.ticketId, number: stored?.ticketNumber },
    });
  });

  it('assigns at once to an online operator with the skill: the operator gets the conversation and ACCEPT_SECONDS to accept it, the citizen the ticket in progress (and the operator only once accepted)', async () => {
    // Prepare
    const fixture = await assignmentFixture();
    const notifier = new RecordingNotifier();
    const timers: TimerMessage[] = [];
    const deps = depsFor(fixture, notifier, timers);
    const { event, connectionId } = await queuedByTheBotWithConnection(fixture);
    const operator = onlineOperator(randomUUID(), ['legal'], 3);
    await putOperator(fixture.operatorsTable, operator);
    const operatorConnection = await saveConnection(operator.operatorId, 'operator');

    // Act
    const outcome = await admitEscalation(deps, event);

    // Assess
    expect(outcome).toMatchObject({ status: 'assigned', queue: 'legal', operatorId: operator.operatorId });
    const [assigned] = notifier.to(operatorConnection).filter((f) => f.type === 'conversation.assigned');
    expect(assigned).toMatchObject({
      conversation: {
        conversationId: event.conversationId,
        queue: 'legal',
        reason: 'operator_only',
        intent: 'legal.complaint',
      },
      ticket: { status: 'in_progress', statusLabel: 'В работе' },
      intake: { problem: 'отказали в приёме заявления' },
      transcript: [],
      citizen: { verified: false },
    });
    const citizenFrames = notifier.to(connectionId).map((f) => f.type);
    expect(citizenFrames).toContain('ticket.updated');
    expect(notifier.to(connectionId)).not.toContainEqual(
      expect.objectContaining({ type: 'conversation.updated', state: 'operator' }),
    );
    const stored = await deps.conversations.get(event.conversationId);
    const acceptTimer = timers.find((t) => t.kind === 'assignment.accept');
    expect(acceptTimer).toMatchObject({
      conversationId: event.conversationId,
      operatorId: operator.operatorId,
      assignedAt: stored?.assignedAt,
    });
    // ACCEPT_SECONDS from the frame, which went out right after the assignment here.
    const window =
      Date.parse((acceptTimer as { dueAt: string }).dueAt) - Date.parse(stored?.assignedAt ?? '');
    expect(window).toBeGreaterThanOrEqual(20_000);
    expect(window).toBeLessThan(25_000);
    expect(await messagesIn(fixture.queueUrls.legal)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('costs the same AWS calls per escalation with 2 or 25 operators online: no call per online operator', async () => {
    // Prepare: the calls of one escalation (assigned at once), counted on the real clients.
    const counted = { dynamodb: 0, sqs: 0 };
    let counting = false;
    documentClient.middlewareStack.add(
      (next) => async (args) => {
        if (counting) counted.dynamodb++;
        return next(args);
      },
      { step: 'initialize', name: 'countDynamoDbCalls' },
    );
    sqsClient.middlewareStack.add(
      (next) => async (args) => {
        if (counting) counted.sqs++;
        return next(args);
      },
      { step: 'initialize', name: 'countSqsCalls' },
    );
    const costWith = async (online: number) => {
      const fixture = await assignmentFixture();
      const notifier = new RecordingNotifier();
      const timers: TimerMessage[] = [];
      const deps = depsFor(fixture, notifier, timers);
      const { event } = await queuedByTheBotWithConnection(fixture);
      await Promise.all(
        Array.from({ length: online }, async () => {
          const operator = onlineOperator(randomUUID(), ['legal'], 3);
          await putOperator(fixture.operatorsTable, operator);
          await saveConnection(operator.operatorId, 'operator');
        }),
      );
      counted.dynamodb = 0;
      counted.sqs = 0;
      counting = true;
      const outcome = await admitEscalation(deps, event);
      counting = false;
      return {
        outcome,
        dynamodb: counted.dynamodb,
        sqs: counted.sqs,
        timers: timers.length,
        frames: notifier.posts.length,
      };
    };

    // Act
    const few = await costWith(2);
    const many = await costWith(25);

    // Assess: both assigned; what they cost does not grow with the 23 operators more (before the
    // line tick it was a connection lookup and a `queue.stats` frame per online operator). A call or
    // two of slack: SQS may answer a receive empty while a message is in flight.
    expect(few.outcome.status).toBe('assigned');
    expect(many.outcome.status).toBe('assigned');
    expect(many.dynamodb).toBeLessThanOrEqual(few.dynamodb + 2);
    expect(many.sqs).toBeLessThanOrEqual(few.sqs + 2);
    expect(many.timers).toBe(few.timers);
    expect(many.frames).toBe(few.frames);
  });
});

describe('a message of the escalation queue: ids only, the escalation read from the conversation', () => {
  it('admits the escalation the conversation carries, with its intake', async () => {
    // Prepare
    const fixture = await assignmentFixture();
    const deps = depsFor(fixture, new RecordingNotifier(), []);
    const { event } = await queuedByTheBotWithConnection(fixture);

    // Act
    const outcome = await receiveEscalation(deps, { conversationId: event.conversationId, attempt: 1 });

    // Assess
    expect(outcome).toMatchObject({ status: 'queued', queue: 'legal', queuePosition: 1 });
    const stored = await deps.conversations.get(event.conversationId);
    const ticket = await new DynamoTicketRepository({ ticketsTable: env('TICKETS_TABLE') }).get(
      String(stored?.ticketId),
    );
    expect(ticket?.intake).toEqual(event.intake);
    expect(await messagesIn(fixture.queueUrls.legal)).toEqual({ visible: 1, inFlight: 0 });
  });

  it('drops the message of a conversation whose citizen was erased (or escalated again since): no ticket, no entry, no timer, nobody told', async () => {
    // Prepare: the conversation as the erasure leaves it (closed, no escalation), and one escalated
    // again since the message was sent (attempt 2 on it).
    const fixture = await assignmentFixture();
    const notifier = new RecordingNotifier();
    const timers: TimerMessage[] = [];
    const deps = depsFor(fixture, notifier, timers);
    const erased = queuedByTheBot();
    await putConversation(fixture.conversationsTable, anonymisedConversation(erased.conversation));
    const again = queuedByTheBot();
    const escalation = again.conversation.escalation;
    if (!escalation) throw new Error('queuedByTheBot gives the escalation');
    await putConversation(fixture.conversationsTable, {
      ...again.conversation,
      escalation: { ...escalation, event: { ...escalation.event, attempt: 2 } },
    });

    // Act
    const outcomes = [
      await receiveEscalation(deps, { conversationId: erased.event.conversationId, attempt: 1 }),
      await receiveEscalation(deps, { conversationId: again.event.conversationId, attempt: 1 }),
      await receiveEscalation(deps, { conversationId: randomUUID(), attempt: 1 }),
    ];

    // Assess
    expect(outcomes).toEqual([
      { status: 'skipped', why: 'no_escalation' },
      { status: 'skipped', why: 'no_escalation' },
      { status: 'skipped', why: 'unknown_conversation' },
    ]);
    expect((await deps.conversations.get(erased.event.conversationId))?.ticketId).toBeUndefined();
    expect((await deps.conversations.get(again.event.conversationId))?.ticketId).toBeUndefined();
    expect(await messagesIn(fixture.queueUrls.legal)).toEqual({ visible: 0, inFlight: 0 });
    expect(timers).toEqual([]);
    expect(notifier.posts).toEqual([]);
  });
});
