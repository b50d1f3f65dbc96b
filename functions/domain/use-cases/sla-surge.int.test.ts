/**
 * The SLA in a surge (docs/requirements.md#sla) against DynamoDB Local and the SQS emulator: private
 * conversations and operators tables and operator queues (test/support/assignment-fixtures.ts), the
 * stack's SlaTable (keyed by these tests' own conversation ids). The SLA timer is fired through
 * `fireTimer` as the timer consumer does; "whoever is free first" is `fillOperator`, which a freed
 * slot (`operator.freed`) or an operator going online runs. Tickets, citizens and the `@connections`
 * API are in-memory ports: what is checked is who gets the conversation, how often, and what is
 * recorded and counted.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSlaRecords } from '#adapters/dynamodb/sla-records.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import type { SlaAssignTimer } from '#events/timers.ts';
import {
  type AssignmentFixture,
  assignmentAdapters,
  assignmentFixture,
  messagesIn,
  onlineOperator,
  putConversation,
  putOperator,
  RecordingNotifier,
  silentAssignmentMetrics,
  TEST_ASSIGNMENT_SETTINGS,
  waitingConversation,
} from '../../../test/support/assignment-fixtures.ts';
import type { Conversation } from '../conversations.ts';
import type { Operator, OperatorQueueName } from '../operator-roster.ts';
import { hourKey } from '../sla.ts';
import { fillOperator, offerQueue } from './assign-conversations.ts';
import { type FireTimerDeps, fireTimer } from './fire-timer.ts';
import { moveConversation } from './move-conversation.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the global setup did not run`);
  return value;
};

const dynamo = new DynamoDBClient({});

let fixture: AssignmentFixture;
let breachesCounted: string[];
let deps: FireTimerDeps;
let sla: DynamoSlaRecords;

beforeEach(async () => {
  fixture = await assignmentFixture();
  breachesCounted = [];
  sla = new DynamoSlaRecords({
    slaTable: env('SLA_TABLE'),
    conversationsTable: fixture.conversationsTable,
    retentionDays: 1,
  });
  const conversations = new DynamoConversationRepository(fixture.conversationsTable);
  deps = {
    ...assignmentAdapters(fixture),
    conversations,
    messages: new DynamoMessageRepository(env('MESSAGES_TABLE')),
    connections: new DynamoConnectionRepository(env('CONNECTIONS_TABLE')),
    notifier: new RecordingNotifier(),
    tickets: {
      open: async () => ({ ticketId: '', number: '' }),
      view: async () => undefined,
      startWork: async () => undefined,
    },
    citizens: { describe: async () => ({ verified: false }) },
    metrics: { ...silentAssignmentMetrics, slaBreached: (queue) => void breachesCounted.push(queue) },
    timers: { schedule: async () => undefined },
    sla,
    clock: systemClock,
    ids: randomIds,
    settings: TEST_ASSIGNMENT_SETTINGS,
  };
});

/** A conversation waiting in `queue` for 3 minutes (DynamoDB and its SQS message), and its due SLA timer. */
async function waitingSince3Minutes(queue: OperatorQueueName = 'auth') {
  const conversation = waitingConversation(queue, new Date(Date.now() - 180_000));
  conversation.ticketNumber = `GU-SURGE-${randomUUID().slice(0, 6)}`;
  await putConversation(fixture.conversationsTable, conversation);
  await deps.queues.put({
    conversationId: conversation.conversationId,
    queue,
    entryId: conversation.queueEntryId as string,
    queuedAt: conversation.queuedAt as string,
  });
  const timer: SlaAssignTimer = {
    kind: 'sla.assign',
    conversationId: conversation.conversationId,
    entryId: conversation.queueEntryId as string,
    dueAt: new Date(Date.now() - 1000).toISOString(),
  };
  return { conversation, timer };
}

/** An operator in the table: online and present, with `free` of 2 slots free (the rest held elsewhere). */
async function operator(skills: OperatorQueueName[], free: number): Promise<Operator> {
  const item = { ...onlineOperator(randomUUID(), skills, 2), activeChats: 2 - free };
  item.conversations = Array.from({ length: 2 - free }, () => `elsewhere-${randomUUID()}`);
  await putOperator(fixture.operatorsTable, item);
  return item;
}

/** One slot of the operator freed (a ticket done elsewhere). */
async function freeOneSlot(operatorId: string): Promise<void> {
  await dynamo.send(
    new UpdateItemCommand({
      TableName: fixture.operatorsTable,
      Key: { operatorId: { S: operatorId } },
      UpdateExpression: 'SET activeChats = activeChats - :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    }),
  );
}

async function stored(conversationId: string): Promise<Conversation | undefined> {
  return deps.conversations.get(conversationId);
}

async function breachRecordsOf(conversation: Conversation) {
  const { breaches, assignments } = await sla.recordsOf(hourKey(new Date()));
  return {
    breaches: breaches.filter((b) => b.conversationId === conversation.conversationId),
    assignments: assignments.filter((a) => a.conversationId === conversation.conversationId),
  };
}

async function waitingMessages(queue: OperatorQueueName): Promise<number> {
  const { visible, inFlight } = await messagesIn(fixture.queueUrls[queue]);
  return visible + inFlight;
}

describe('an SLA breach in a surge', () => {
  it('stays at the head of its queue: with no senior free, the first first-line operator free takes it, once', async () => {
    // Prepare: everybody busy when the timer fires; a newer conversation waits behind it.
    const { conversation, timer } = await waitingSince3Minutes('auth');
    const later = waitingConversation('auth', new Date(Date.now() - 30_000));
    await putConversation(fixture.conversationsTable, later);
    await deps.queues.put({
      conversationId: later.conversationId,
      queue: 'auth',
      entryId: later.queueEntryId as string,
      queuedAt: later.queuedAt as string,
    });
    const firstLine = await operator(['auth', 'general'], 0);
    await operator(['senior', 'auth'], 0);

    // Act
    const outcome = await fireTimer(deps, timer);
    const afterBreach = await stored(conversation.conversationId);
    await freeOneSlot(firstLine.operatorId);
    const freed = await fireTimer(deps, { kind: 'operator.freed', operatorId: firstLine.operatorId });

    // Assess
    expect(outcome).toEqual({ kind: 'sla.assign', status: 'breached', from: 'auth' });
    expect(afterBreach).toMatchObject({
      state: 'queued',
      queue: 'auth',
      queueEntryId: timer.entryId,
      slaBreachedEntryId: timer.entryId,
    });
    expect(freed).toEqual({ kind: 'operator.freed', status: 'offered', assigned: 1 });
    expect(await stored(conversation.conversationId)).toMatchObject({
      state: 'operator',
      operatorId: firstLine.operatorId,
      assignedQueue: 'auth',
    });
    expect(await stored(later.conversationId)).toMatchObject({ state: 'queued' });
    expect(breachesCounted).toEqual(['auth']);
    // Its copy in the senior queue went with it; the newer one still waits in its queue.
    expect(await waitingMessages('senior')).toBe(0);
    expect(await waitingMessages('auth')).toBe(1);
    const records = await breachRecordsOf(conversation);
    expect(records.breaches).toEqual([expect.objectContaining({ ticketNumber: conversation.ticketNumber })]);
    expect(records.assignments).toEqual([expect.objectContaining({ breached: true, queue: 'auth' })]);
  });

  it('is offered to the seniors first: with a senior and a first-line operator both free, the senior gets it', async () => {
    // Prepare: the timer finds both free (they came free in the same instant).
    const { conversation, timer } = await waitingSince3Minutes('legal');
    const firstLine = await operator(['legal'], 1);
    const senior = await operator(['senior', 'legal'], 1);

    // Act
    await fireTimer(deps, timer);

    // Assess
    expect(await stored(conversation.conversationId)).toMatchObject({
      state: 'operator',
      operatorId: senior.operatorId,
    });
    expect(await waitingMessages('legal')).toBe(0);
    expect(await waitingMessages('senior')).toBe(0);
    expect((await deps.operators.get(firstLine.operatorId))?.activeChats).toBe(1);
  });

  it("is what a senior who comes free takes first, from the senior queue, even without the category's skill", async () => {
    const { conversation, timer } = await waitingSince3Minutes('documents');
    const senior = await operator(['senior'], 0);
    await fireTimer(deps, timer);

    await freeOneSlot(senior.operatorId);
    const run = await fillOperator(deps, senior.operatorId);

    expect(run.assignments).toEqual([
      expect.objectContaining({
        queue: 'senior',
        conversation: expect.objectContaining({ assignedQueue: 'documents' }),
      }),
    ]);
    expect(await stored(conversation.conversationId)).toMatchObject({ operatorId: senior.operatorId });
    // The category's copy went with it.
    expect(await waitingMessages('documents')).toBe(0);
    expect(await waitingMessages('senior')).toBe(0);
  });

  it('is taken exactly once when a senior and a first-line operator come free at the same moment', async () => {
    const { conversation, timer } = await waitingSince3Minutes('auth');
    const firstLine = await operator(['auth'], 0);
    const senior = await operator(['senior'], 0);
    await fireTimer(deps, timer);

    await Promise.all([freeOneSlot(firstLine.operatorId), freeOneSlot(senior.operatorId)]);
    const runs = await Promise.all([
      fillOperator(deps, firstLine.operatorId),
      fillOperator(deps, senior.operatorId),
    ]);

    const taken = runs.flatMap((r) => r.assignments.map((a) => a.operator.operatorId));
    expect(taken).toHaveLength(1);
    const holder = taken[0] as string;
    expect(await stored(conversation.conversationId)).toMatchObject({
      state: 'operator',
      operatorId: holder,
    });
    const other = holder === senior.operatorId ? firstLine : senior;
    expect((await deps.operators.get(other.operatorId))?.activeChats).toBe(1);
    // Nothing of it left in either queue once the stale copy is received (dropped, or deleted as stale).
    await Promise.all([offerQueue(deps, 'auth'), offerQueue(deps, 'senior')]);
    expect(await waitingMessages('auth')).toBe(0);
    expect(await waitingMessages('senior')).toBe(0);
  });

  it('is counted and put to the seniors once when its SLA timer is delivered twice', async () => {
    const { conversation, timer } = await waitingSince3Minutes('mfc');

    const outcomes = await Promise.all([fireTimer(deps, timer), fireTimer(deps, timer)]);
    const third = await fireTimer(deps, timer);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['breached', 'repeated']);
    expect(third).toEqual({ kind: 'sla.assign', status: 'repeated', from: 'mfc' });
    expect(breachesCounted).toEqual(['mfc']);
    expect((await breachRecordsOf(conversation)).breaches).toHaveLength(1);
    // One copy in the senior queue (deduplicated by the entry), one in its own.
    expect(await waitingMessages('senior')).toBe(1);
    expect(await waitingMessages('mfc')).toBe(1);
    expect(await stored(conversation.conversationId)).toMatchObject({ state: 'queued', queue: 'mfc' });
  });

  it('is not a breach once the conversation was taken before its timer fired', async () => {
    const { conversation, timer } = await waitingSince3Minutes('auth');
    const firstLine = await operator(['auth'], 1);
    await fireTimer(deps, { kind: 'operator.freed', operatorId: firstLine.operatorId });

    expect(await fireTimer(deps, timer)).toEqual({ kind: 'sla.assign', status: 'stale' });
    expect(breachesCounted).toEqual([]);
    expect(await breachRecordsOf(conversation)).toEqual({
      breaches: [],
      assignments: [expect.objectContaining({ breached: false })],
    });
  });
});

describe('a case flagged complex (operator.transfer to the senior queue)', () => {
  it('goes to seniors only: a free first-line operator with every category never gets it, the next free senior does', async () => {
    // Prepare: held by a first-line operator, who flags it complex.
    const firstLine = await operator(['auth', 'applications', 'documents', 'legal', 'mfc', 'general'], 1);
    const held: Conversation = {
      ...waitingConversation('auth', new Date(Date.now() - 600_000)),
      state: 'operator',
      operatorId: firstLine.operatorId,
      operatorName: firstLine.displayName,
      assignedAt: new Date(Date.now() - 300_000).toISOString(),
      assignedQueue: 'auth',
    };
    delete held.queue;
    await putConversation(fixture.conversationsTable, held);
    await putOperator(fixture.operatorsTable, {
      ...firstLine,
      activeChats: 2,
      conversations: [...firstLine.conversations, held.conversationId],
    });

    // Act
    const moved = await moveConversation(deps, {
      conversationId: held.conversationId,
      to: 'senior',
      fromOperatorId: firstLine.operatorId,
      now: new Date(),
    });
    const firstLineRun = await fillOperator(deps, firstLine.operatorId);
    const offered = await offerQueue(deps, 'senior');
    const senior = await operator(['senior'], 1);
    const seniorRun = await fillOperator(deps, senior.operatorId);

    // Assess
    expect(moved).toMatchObject({ status: 'moved', conversation: { queue: 'senior' } });
    expect(firstLineRun.assignments).toEqual([]);
    expect(offered.assignments).toEqual([]);
    expect(seniorRun.assignments.map((a) => a.conversation.conversationId)).toEqual([held.conversationId]);
    expect(await stored(held.conversationId)).toMatchObject({
      state: 'operator',
      operatorId: senior.operatorId,
    });
  });
});
