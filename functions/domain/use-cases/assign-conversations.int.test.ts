/**
 * The assignment's promise under concurrency, against DynamoDB Local and the SQS emulator (private
 * tables and queues, test/support/assignment-fixtures.ts): many waiting conversations, several
 * operators with mixed skills, several assigning functions at once → no conversation assigned twice, no
 * operator over capacity, nothing left behind; and an assigning function that dies between its commit and
 * its SQS delete does not make the redelivery assign twice.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAssignmentStore } from '#adapters/dynamodb/assignment-store.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoFollowUpLedger } from '#adapters/dynamodb/follow-up-ledger.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoOperatorRepository } from '#adapters/dynamodb/operator-repository.ts';
import { DynamoWaitingLine } from '#adapters/dynamodb/waiting-line.ts';
import { SqsOperatorQueues } from '#adapters/operator-queues.ts';
import { systemClock } from '#adapters/system.ts';
import { ESCALATION_CATEGORIES } from '#domain/operator-roster.ts';
import {
  type AssignmentFixture,
  assignmentAdapters,
  assignmentFixture,
  messagesIn,
  onlineOperator,
  putConversation,
  putOperator,
  RecordingNotifier,
  saveConnection,
  silentAssignmentMetrics,
  waitingConversation,
} from '../../../test/support/assignment-fixtures.ts';
import type { OperatorQueueName } from '../operator-roster.ts';
import type { OperatorQueues } from '../ports/assignment.ts';
import { type AnnounceDeps, announceRun } from './announce-assignments.ts';
import { type AssignDeps, fillOperator, offerQueue } from './assign-conversations.ts';

const dynamo = new DynamoDBClient({});

async function scan(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

function assignDeps(fixture: AssignmentFixture, queues?: OperatorQueues, visibilitySeconds = 30): AssignDeps {
  const adapters = assignmentAdapters(fixture);
  return {
    ...adapters,
    queues: queues ?? adapters.queues,
    clock: systemClock,
    settings: { assignmentVisibilitySeconds: visibilitySeconds },
  };
}

/** Puts `count` conversations per queue in the line (DynamoDB and SQS), a millisecond apart. */
async function enqueue(fixture: AssignmentFixture, queues: readonly OperatorQueueName[], count: number) {
  const start = Date.now() - 60_000;
  const conversations = queues.flatMap((queue, q) =>
    Array.from({ length: count }, (_, i) => waitingConversation(queue, new Date(start + q * count + i))),
  );
  const sqs = new SqsOperatorQueues(fixture.queueUrls);
  await Promise.all(
    conversations.map(async (c) => {
      await putConversation(fixture.conversationsTable, c);
      await sqs.put({
        conversationId: c.conversationId,
        queue: c.queue as OperatorQueueName,
        entryId: c.queueEntryId as string,
        queuedAt: c.queuedAt as string,
      });
    }),
  );
  return conversations;
}

/** What announcing needs, on the fixture's tables; tickets and citizens are in-memory (none here). */
function announceDeps(fixture: AssignmentFixture, notifier: RecordingNotifier): AnnounceDeps {
  return {
    operators: new DynamoOperatorRepository(fixture.operatorsTable),
    line: new DynamoWaitingLine(fixture.conversationsTable),
    conversations: new DynamoConversationRepository(fixture.conversationsTable),
    ledger: new DynamoFollowUpLedger(fixture.conversationsTable),
    messages: new DynamoMessageRepository(process.env.MESSAGES_TABLE as string),
    connections: new DynamoConnectionRepository(process.env.CONNECTIONS_TABLE as string),
    notifier,
    tickets: {
      open: async () => ({ ticketId: '', number: '' }),
      view: async () => undefined,
      startWork: async () => undefined,
    },
    citizens: { describe: async () => ({ verified: false }) },
    metrics: silentAssignmentMetrics,
    timers: { schedule: async () => undefined },
    clock: systemClock,
    settings: { averageHandleSeconds: 600, queuePositionUpdates: 20, acceptSeconds: 20 },
  };
}

describe('exactly-once assignment (DynamoDB Local + SQS emulator)', () => {
  let fixture: AssignmentFixture;
  beforeAll(async () => {
    fixture = await assignmentFixture();
  });

  it('assigns 60 conversations to 5 operators of mixed skills with 14 assigning functions at once: none twice, nobody over capacity, the rest still queued with its message; released capacity takes the rest', async () => {
    // Prepare
    const conversations = await enqueue(fixture, ESCALATION_CATEGORIES, 10);
    const skills: OperatorQueueName[][] = [
      ['auth', 'general'],
      ['applications', 'documents'],
      ['legal', 'mfc', 'general'],
      [...ESCALATION_CATEGORIES],
      ['auth', 'documents', 'mfc'],
    ];
    const operators = skills.map((s) => onlineOperator(randomUUID(), s, 3));
    await Promise.all(operators.map((o) => putOperator(fixture.operatorsTable, o)));
    const deps = assignDeps(fixture);

    // Act: every queue offered and every operator filled, twice over, all at once.
    const runs = await Promise.all([
      ...ESCALATION_CATEGORIES.map((queue) => offerQueue(deps, queue)),
      ...operators.flatMap((o) => [fillOperator(deps, o.operatorId), fillOperator(deps, o.operatorId)]),
      ...ESCALATION_CATEGORIES.slice(0, 3).map((queue) => offerQueue(deps, queue)),
    ]);

    // Assess
    expect(runs.map((run) => run.failure)).toEqual(runs.map(() => undefined));
    const reported = runs.flatMap((run) => run.assignments.map((a) => a.conversation.conversationId));
    expect(new Set(reported).size).toBe(reported.length);
    const stored = (await scan(fixture.conversationsTable)).filter((c) =>
      conversations.some((w) => w.conversationId === c.conversationId),
    );
    const assigned = stored.filter((c) => c.state === 'operator');
    expect(assigned).toHaveLength(15);
    expect(new Set(reported)).toEqual(new Set(assigned.map((c) => c.conversationId)));
    const operatorItems = await scan(fixture.operatorsTable);
    for (const operator of operators) {
      const item = operatorItems.find((o) => o.operatorId === operator.operatorId);
      const theirs = assigned.filter((c) => c.operatorId === operator.operatorId);
      expect(theirs.length).toBeLessThanOrEqual(3);
      expect(item?.activeChats).toBe(theirs.length);
      expect([...((item?.conversations as Set<string>) ?? [])].sort()).toEqual(
        theirs.map((c) => c.conversationId).sort(),
      );
      for (const c of theirs) expect(operator.skills).toContain(c.assignedQueue);
    }
    // Capacity ran out (15 slots); all 45 others still wait, each with its message in its queue.
    const waiting = stored.filter((c) => c.state === 'queued');
    expect(waiting).toHaveLength(45);
    expect(waiting.every((c) => c.queue !== undefined && c.operatorId === undefined)).toBe(true);
    const counts = await Promise.all(ESCALATION_CATEGORIES.map((q) => messagesIn(fixture.queueUrls[q])));
    expect(counts.reduce((sum, c) => sum + c.visible + c.inFlight, 0)).toBe(45);
    for (const queue of ESCALATION_CATEGORIES) {
      const inQueue = waiting.filter((c) => c.queue === queue).length;
      const { visible, inFlight } = counts[ESCALATION_CATEGORIES.indexOf(queue)] ?? {
        visible: 0,
        inFlight: 0,
      };
      expect(visible + inFlight).toBe(inQueue);
    }

    // Act: every operator finishes everything and is filled again, then again, concurrently.
    const store = new DynamoAssignmentStore(fixture);
    for (let round = 0; round < 10; round++) {
      const held = (await scan(fixture.operatorsTable)).flatMap((o) =>
        [...((o.conversations as Set<string> | undefined) ?? [])].map(
          (c) => [c, String(o.operatorId)] as const,
        ),
      );
      // A release is idempotent: the second of each pair frees nothing.
      const released = await Promise.all(
        held.flatMap(([conversationId, operatorId]) => [
          store.release(conversationId, operatorId),
          store.release(conversationId, operatorId),
        ]),
      );
      expect(released.filter(Boolean)).toHaveLength(held.length);
      const refilled = await Promise.all(
        operators.flatMap((o) => [fillOperator(deps, o.operatorId), fillOperator(deps, o.operatorId)]),
      );
      if (refilled.every((run) => run.assignments.length === 0)) break;
    }

    // Assess: all 60 assigned, each once, over the rounds.
    const final = (await scan(fixture.conversationsTable)).filter((c) =>
      conversations.some((w) => w.conversationId === c.conversationId),
    );
    expect(final.filter((c) => c.state === 'operator')).toHaveLength(60);
    const left = await Promise.all(ESCALATION_CATEGORIES.map((q) => messagesIn(fixture.queueUrls[q])));
    expect(left.reduce((sum, c) => sum + c.visible + c.inFlight, 0)).toBe(0);
  }, 120_000);

  it('tells the citizens still waiting their new places (and the wait) when the one ahead of them is assigned', async () => {
    // Prepare: three citizens waiting in mfc, each with a connection; an operator with one slot
    // (tables and queues of its own: no operator of another test may take them).
    const fixture = await assignmentFixture();
    const waiting = await enqueue(fixture, ['mfc'], 3);
    const connectionOf = new Map<string, string>();
    for (const conversation of waiting) {
      connectionOf.set(conversation.conversationId, await saveConnection(conversation.sessionId, 'guest'));
    }
    const operator = onlineOperator(randomUUID(), ['mfc'], 1);
    await putOperator(fixture.operatorsTable, operator);
    const notifier = new RecordingNotifier();

    // Act
    const run = await offerQueue(assignDeps(fixture), 'mfc');
    await announceRun(announceDeps(fixture, notifier), run);

    // Assess: the first is with the operator (its citizen is told once the operator accepts); the
    // second is next, the third after it. One operator of one slot, ten minutes a conversation:
    // 600 s and 1200 s.
    const framesOf = (index: number) =>
      notifier.posts
        .filter((p) => p.connectionId === connectionOf.get(waiting[index]?.conversationId ?? ''))
        .map((p) => p.frame);
    expect(framesOf(0)).toEqual([]);
    expect(framesOf(1)).toEqual([
      expect.objectContaining({ state: 'queued', queuePosition: 1, etaSeconds: 600 }),
    ]);
    expect(framesOf(2)).toEqual([
      expect.objectContaining({ state: 'queued', queuePosition: 2, etaSeconds: 1200 }),
    ]);
  });

  it('an assigning function that dies between the commit and the SQS delete: the redelivery finds it assigned and only deletes', async () => {
    // Prepare: one conversation, two operators; the first assigning function "dies" before its delete
    // (a fault injected in the queue adapter: the delete never happens), and holds the message 1 s.
    const [conversation] = await enqueue(fixture, ['legal'], 1);
    const first = onlineOperator(randomUUID(), ['legal'], 3);
    const second = onlineOperator(randomUUID(), ['legal'], 3);
    await Promise.all([
      putOperator(fixture.operatorsTable, first),
      putOperator(fixture.operatorsTable, second),
    ]);
    const sqs = new SqsOperatorQueues(fixture.queueUrls);
    let dead = false;
    const dying: OperatorQueues = {
      put: (entry) => sqs.put(entry),
      receive: async (queue, max) => (dead ? [] : sqs.receive(queue, max, 1)),
      remove: async () => {
        dead = true;
        throw new Error('the assignment died before its delete');
      },
      giveBack: (queue, receipt) => sqs.giveBack(queue, receipt),
    };

    // Act
    const died = await fillOperator(assignDeps(fixture, dying, 1), first.operatorId, { queue: 'legal' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const retried = await fillOperator(assignDeps(fixture), second.operatorId, { queue: 'legal' });

    // Assess
    expect(died.assignments.map((a) => a.conversation.conversationId)).toEqual([
      conversation?.conversationId,
    ]);
    expect(retried.assignments).toEqual([]);
    const stored = (await scan(fixture.conversationsTable)).find(
      (c) => c.conversationId === conversation?.conversationId,
    );
    expect(stored).toMatchObject({ state: 'operator', operatorId: first.operatorId });
    const operatorItems = await scan(fixture.operatorsTable);
    expect(operatorItems.find((o) => o.operatorId === first.operatorId)?.activeChats).toBe(1);
    expect(operatorItems.find((o) => o.operatorId === second.operatorId)?.activeChats).toBe(0);
    expect(await messagesIn(fixture.queueUrls.legal)).toEqual({ visible: 0, inFlight: 0 });
  }, 30_000);
});
