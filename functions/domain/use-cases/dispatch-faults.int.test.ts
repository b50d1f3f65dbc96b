/**
 * The ledger's promise under crashes (docs/dispatch-faults.md), against DynamoDB Local and the SQS
 * emulator: for each flow of the waiting line (escalate, escalate after `operator.request`, assign,
 * move on breach, transfer, grace expiry, accept timeout) and each crash point in turn, the function dies right after its k-th call
 * that changes something (a DynamoDB write, an SQS send/receive/delete, a frame posted); then the
 * message that started it is delivered again, then the reconciler runs. Each case must end with the
 * conversation either assigned exactly once and announced, or waiting in exactly one queue with its
 * timer, and no follow-up left pending.
 *
 * The fault injector wraps the real adapters (private tables and queues of
 * test/support/assignment-fixtures.ts, a private timer queue and escalation queue); it fakes no AWS
 * call, it only stops the process: after the crash every call throws, as a dead function makes
 * none. The `@connections` API is the in-memory RecordingNotifier (no emulator of it here), so the
 * frames the operator got can be read.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionCitizenDirectory, UseCaseAssignmentTickets } from '#adapters/assignment-tickets.ts';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoBotJobContextReader } from '#adapters/dynamodb/bot-job-context-reader.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { DynamoSlaRecords } from '#adapters/dynamodb/sla-records.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { SqsEscalationQueue } from '#adapters/escalation-queue.ts';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { SqsTimerQueue } from '#adapters/timer-queue.ts';
import type { Caller } from '#events/authorizer-context.ts';
import type { BotJob } from '#events/bot-job.ts';
import { type EscalationEvent, type EscalationMessage, escalationMessageSchema } from '#events/escalation.ts';
import { type QueueEntry, queueEntrySchema } from '#events/queue-entry.ts';
import type { TimerMessage } from '#events/timers.ts';
import { repoPath } from '../../../infra/paths.ts';
import {
  type AssignmentFixture,
  assignmentAdapters,
  assignmentFixture,
  onlineOperator,
  putConversation,
  putOperator,
  queuedByTheBot,
  RecordingNotifier,
  saveConnection,
  silentAssignmentMetrics,
  TEST_ASSIGNMENT_SETTINGS,
  waitingConversation,
} from '../../../test/support/assignment-fixtures.ts';
import { createBot } from '../bot/index.ts';
import type { Conversation } from '../conversations.ts';
import { OpenConversationHints } from '../open-conversation-hints.ts';
import { OPERATOR_QUEUES, type OperatorQueueName, SENIOR_QUEUE } from '../operator-roster.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { admitEscalation } from './admit-escalation.ts';
import { answerCitizenMessage } from './answer-citizen-message.ts';
import { fireTimer } from './fire-timer.ts';
import { moveConversation } from './move-conversation.ts';
import { runLineTick } from './places-in-line.ts';
import { receiveEscalation } from './receive-escalation.ts';
import { type ReconcileDeps, type RepairKind, reconcile } from './reconcile.ts';
import { requestOperator } from './request-operator.ts';
import { sendCitizenMessage } from './send-citizen-message.ts';

const env = (name: string) => process.env[name] as string;
const dynamo = new DynamoDBClient({});
const dynamoDocuments = DynamoDBDocumentClient.from(dynamo);
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

/** The process died here: nothing after it runs. */
class Crash extends Error {
  constructor(at: string) {
    super(`crashed after ${at}`);
    this.name = 'Crash';
  }
}

/**
 * Counts the calls of the wrapped adapters that change something and kills the "process" right
 * after the k-th: that call is done (committed, sent), the caller sees a Crash, and every later
 * call of any wrapped adapter throws too.
 */
class FaultInjector {
  private calls = 0;
  private crashAfter = Number.POSITIVE_INFINITY;
  private dead = false;
  readonly trace: string[] = [];

  arm(k: number): void {
    this.calls = 0;
    this.crashAfter = k;
    this.dead = false;
    this.trace.length = 0;
  }

  disarm(): void {
    this.crashAfter = Number.POSITIVE_INFINITY;
    this.dead = false;
  }

  get count(): number {
    return this.calls;
  }

  wrap<T extends object>(name: string, target: T, writes: readonly string[]): T {
    return new Proxy(target, {
      get: (object, property, receiver) => {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        const label = `${name}.${String(property)}`;
        if (!writes.includes(String(property))) {
          return async (...args: unknown[]) => {
            if (this.dead) throw new Crash(`${label} (dead)`);
            return method.apply(object, args);
          };
        }
        return async (...args: unknown[]) => {
          if (this.dead) throw new Crash(`${label} (dead)`);
          const result = await method.apply(object, args);
          this.calls += 1;
          this.trace.push(label);
          if (this.calls === this.crashAfter) {
            this.dead = true;
            throw new Crash(label);
          }
          return result;
        };
      },
    });
  }
}

async function createQueue(name: string, fifo: boolean): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: fifo ? `${name}.fifo` : name,
      Attributes: fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {},
    }),
  );
  if (!QueueUrl) throw new Error('no queue URL');
  return QueueUrl;
}

async function scanItems(table: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.map((item) => unmarshall(item));
}

/**
 * The live entries of a conversation in the fixture's operator queues: every visible message is
 * received (and stays hidden: each case looks once); a stale entry of this conversation is deleted
 * on the way, as an assigning function does, since FIFO hands out nothing more of its group while
 * it is in flight.
 */
async function liveEntriesOf(fixture: AssignmentFixture, conversation: Conversation): Promise<QueueEntry[]> {
  const found: QueueEntry[] = [];
  for (const queue of OPERATOR_QUEUES) {
    const url = fixture.queueUrls[queue];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const entry = queueEntrySchema.parse(JSON.parse(message.Body ?? ''));
        if (entry.conversationId !== conversation.conversationId) continue;
        if (entry.entryId === conversation.queueEntryId) found.push(entry);
        else
          await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  }
  return found;
}

/** Every escalation published to the harness's queue since the last drain (received and deleted). */
async function drainEscalations(h: Harness): Promise<EscalationMessage[]> {
  const events: EscalationMessage[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: h.escalationQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return events;
    for (const message of Messages) {
      events.push(escalationMessageSchema.parse(JSON.parse(message.Body ?? '')));
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: h.escalationQueueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

interface Harness {
  fixture: AssignmentFixture;
  escalationQueueUrl: string;
  faults: FaultInjector;
  deps: ReconcileDeps;
  notifier: RecordingNotifier;
  timers: TimerMessage[];
  breaches: OperatorQueueName[];
  missedFirstReplies: OperatorQueueName[];
  repairs: Partial<Record<RepairKind, number>>;
}

async function harness(settings: Partial<ReconcileDeps['settings']> = {}): Promise<Harness> {
  const fixture = await assignmentFixture();
  const suffix = randomUUID().slice(0, 8);
  const [timerQueueUrl, escalationQueueUrl] = await Promise.all([
    createQueue(`test-timers-${suffix}`, false),
    createQueue(`test-escalations-${suffix}`, true),
  ]);
  const faults = new FaultInjector();
  const notifier = new RecordingNotifier();
  const timers: TimerMessage[] = [];
  const breaches: OperatorQueueName[] = [];
  const missedFirstReplies: OperatorQueueName[] = [];
  const repairs: Partial<Record<RepairKind, number>> = {};
  const realTimers = new SqsTimerQueue(timerQueueUrl);
  // The timers actually sent, for the assessment: recorded once SQS took them.
  const recordingTimers: TimerQueue = {
    async schedule(timer, delaySeconds) {
      await realTimers.schedule(timer, delaySeconds);
      timers.push(timer);
    },
  };
  const adapters = assignmentAdapters(fixture);
  const conversations = new DynamoConversationRepository(fixture.conversationsTable);
  const connections = new DynamoConnectionRepository(env('CONNECTIONS_TABLE'));
  const ticketRepository = new DynamoTicketRepository({
    ticketsTable: env('TICKETS_TABLE'),
    conversationsTable: fixture.conversationsTable,
  });
  const tickets = new UseCaseAssignmentTickets({
    tickets: ticketRepository,
    conversations,
    citizenSessions: new DynamoCitizenSessionLookup(env('SESSIONS_TABLE')),
    connections,
    notifier,
    releaser: { releaseAssignment: async () => undefined },
    clock: systemClock,
    retentionDays: 1,
  });
  const deps: ReconcileDeps = {
    operators: faults.wrap('operators', adapters.operators, [
      'saveStatus',
      'markDisconnected',
      'markOfflineAfterGrace',
      'markOfflineAfterLapse',
      'setAway',
      'undoAway',
      'renewLease',
    ]),
    store: faults.wrap('store', adapters.store, [
      'assign',
      'accept',
      'markFirstReplyChecked',
      'release',
      'place',
      'admit',
    ]),
    line: adapters.line,
    ticks: adapters.ticks,
    queues: faults.wrap('queues', adapters.queues, ['put', 'receive', 'remove', 'giveBack']),
    ledger: faults.wrap('ledger', adapters.ledger, ['clear', 'clearAnnouncement']),
    sla: faults.wrap(
      'sla',
      new DynamoSlaRecords({
        slaTable: env('SLA_TABLE'),
        conversationsTable: fixture.conversationsTable,
        retentionDays: 1,
      }),
      ['recordBreach', 'markBreachCounted', 'recordAssignment'],
    ),
    timers: faults.wrap('timers', recordingTimers, ['schedule']),
    escalations: faults.wrap('escalations', new SqsEscalationQueue(escalationQueueUrl), ['publish']),
    tickets: faults.wrap('tickets', tickets, ['open', 'startWork']),
    notifier: faults.wrap('notifier', notifier, ['post']),
    conversations,
    messages: new DynamoMessageRepository(env('MESSAGES_TABLE')),
    connections,
    citizens: new SessionCitizenDirectory(
      new DynamoSessionRepository(env('SESSIONS_TABLE')),
      ticketRepository,
    ),
    metrics: {
      ...silentAssignmentMetrics,
      slaBreached: (queue) => void breaches.push(queue),
      missedFirstReply: (queue) => void missedFirstReplies.push(queue),
    },
    repairs: {
      repaired: (kind, n) => {
        repairs[kind] = (repairs[kind] ?? 0) + n;
      },
    },
    clock: systemClock,
    ids: randomIds,
    settings: {
      ...TEST_ASSIGNMENT_SETTINGS,
      operatorGraceSeconds: 1,
      assignmentVisibilitySeconds: 1,
      // The reconciler takes whatever is pending: the test plays "later" at once.
      reconcileAfterSeconds: 0,
      ...settings,
    },
  };
  return {
    fixture,
    escalationQueueUrl,
    faults,
    deps,
    notifier,
    timers,
    breaches,
    missedFirstReplies,
    repairs,
  };
}

/** How a case ends: assigned exactly once and announced, or waiting in exactly one queue with its timer. */
async function expectSettled(
  h: Harness,
  conversationId: string,
  expected:
    | { state: 'operator'; operatorId?: string }
    | { state: 'queued'; queue: OperatorQueueName; alsoIn?: OperatorQueueName[] },
  context: string,
): Promise<void> {
  const conversation = (await h.deps.conversations.get(conversationId)) as Conversation;
  expect(conversation, context).toBeDefined();
  expect(conversation.followUps, `${context}: follow-ups left pending`).toBeUndefined();
  const operators = await scanItems(h.fixture.operatorsTable);
  for (const operator of operators) {
    const held = operator.conversations instanceof Set ? operator.conversations.size : 0;
    expect(operator.activeChats, `${context}: activeChats of ${operator.operatorId}`).toBe(held);
  }
  const holders = operators.filter(
    (o) => o.conversations instanceof Set && o.conversations.has(conversationId),
  );
  if (expected.state === 'operator') {
    expect(conversation, context).toMatchObject({
      state: 'operator',
      ...(expected.operatorId ? { operatorId: expected.operatorId } : {}),
    });
    expect(
      holders.map((o) => o.operatorId),
      `${context}: held by`,
    ).toEqual([conversation.operatorId]);
    const frames = h.notifier.posts.filter(
      (p) =>
        p.frame.type === 'conversation.assigned' &&
        (p.frame as { conversation: { conversationId: string } }).conversation.conversationId ===
          conversationId,
    );
    expect(frames.length, `${context}: conversation.assigned posted`).toBeGreaterThan(0);
    expect(
      h.timers.some(
        (t) =>
          t.kind === 'assignment.accept' &&
          t.conversationId === conversationId &&
          t.assignedAt === conversation.assignedAt,
      ),
      `${context}: accept timer`,
    ).toBe(true);
    return;
  }
  expect(conversation, context).toMatchObject({ state: 'queued', queue: expected.queue });
  expect(holders, `${context}: still held`).toEqual([]);
  const live = await liveEntriesOf(h.fixture, conversation);
  // A breached entry also has its copy in the senior queue: the same entry, naming its category
  // (docs/requirements.md#sla), so one live message per queue it is in.
  expect(
    live.map((e) => e.queue),
    `${context}: live queue entries`,
  ).toEqual([expected.queue, ...(expected.alsoIn ?? [])].map(() => expected.queue));
  // A stay whose SLA breached needs no timer any more: it fired.
  if (expected.queue !== SENIOR_QUEUE && conversation.slaBreachedEntryId !== conversation.queueEntryId) {
    expect(
      h.timers.some((t) => t.kind === 'sla.assign' && t.entryId === conversation.queueEntryId),
      `${context}: SLA timer of the entry`,
    ).toBe(true);
  }
}

interface Flow<S> {
  /** Puts the state the flow starts from; answers what the flow and the assessment need. */
  prepare(h: Harness): Promise<S>;
  /** What the function does (the same call is the redelivery). */
  run(h: Harness, state: S): Promise<unknown>;
  expected(
    state: S,
  ): { state: 'operator'; operatorId?: string } | { state: 'queued'; queue: OperatorQueueName };
  /** What the next function does with what the flow left (the escalation consumer): after the reconciler. */
  thenNext?(h: Harness, state: S): Promise<void>;
  /** Further checks once settled. */
  alsoCheck?(h: Harness, state: S, context: string): Promise<void>;
}

/**
 * One flow: a clean run counts its crash points; then for each k, a fresh start, a crash after the
 * k-th call, the redelivery, the reconciler, and the assessment. Answers the crash points' labels.
 */
async function crashEverywhere<S>(h: Harness, flow: Flow<S>): Promise<string[]> {
  const clean = await flow.prepare(h);
  h.faults.arm(Number.POSITIVE_INFINITY);
  await flow.run(h, clean);
  const points = [...h.faults.trace];
  expect(points.length).toBeGreaterThan(0);
  await flow.thenNext?.(h, clean);
  await expectSettled(h, conversationIdOf(clean), flow.expected(clean), 'clean run');
  for (let k = 1; k <= points.length; k++) {
    const state = await flow.prepare(h);
    h.faults.arm(k);
    const crashed = await flow.run(h, state).then(
      () => undefined,
      (error: unknown) => error,
    );
    const at = h.faults.trace[k - 1] ?? '(finished first)';
    h.faults.disarm();
    const context = `crash after call ${k} (${at})`;
    if (crashed !== undefined && !(crashed instanceof Crash) && !isCrashCause(crashed)) throw crashed;
    // Redelivery: the same message again, then the reconciler for what a retry cannot reach.
    await flow.run(h, state).catch(() => undefined);
    await reconcile(h.deps);
    await flow.thenNext?.(h, state);
    await expectSettled(h, conversationIdOf(state), flow.expected(state), context);
    await flow.alsoCheck?.(h, state, context);
  }
  return points;
}

function isCrashCause(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof Crash) return true;
  return false;
}

function conversationIdOf(state: unknown): string {
  return (state as { conversation: Conversation }).conversation.conversationId;
}

/** An operator of `skills`, present, with a console connected (its frames are recorded). */
async function presentOperator(h: Harness, skills: OperatorQueueName[], extra: Record<string, unknown> = {}) {
  const operator = { ...onlineOperator(randomUUID(), skills, 3), ...extra };
  await putOperator(h.fixture.operatorsTable, operator);
  await saveConnection(operator.operatorId, 'operator');
  return operator;
}

/** A conversation waiting in `queue` since `waitedSeconds`, with its entry on the SQS queue. */
async function waiting(h: Harness, queue: OperatorQueueName, waitedSeconds = 5): Promise<Conversation> {
  const at = new Date(Date.now() - waitedSeconds * 1000);
  const conversation = { ...waitingConversation(queue, at), queueEnteredAt: at.toISOString() };
  await putConversation(h.fixture.conversationsTable, conversation);
  await assignmentAdapters(h.fixture).queues.put({
    conversationId: conversation.conversationId,
    queue,
    entryId: conversation.queueEntryId as string,
    queuedAt: conversation.queuedAt as string,
  });
  return conversation;
}

/** A conversation `operatorId` holds (accepted unless said otherwise), taken from `queue`. */
async function held(
  h: Harness,
  operator: ReturnType<typeof onlineOperator>,
  queue: OperatorQueueName,
  { accepted = true, assignedSecondsAgo = 5 } = {},
): Promise<Conversation> {
  const base = waitingConversation(queue, new Date(Date.now() - 60_000));
  const assignedAt = new Date(Date.now() - assignedSecondsAgo * 1000).toISOString();
  const { queue: _q, ...rest } = base;
  const conversation: Conversation = {
    ...rest,
    state: 'operator',
    operatorId: operator.operatorId,
    operatorName: operator.displayName,
    assignedAt,
    assignedQueue: queue,
    ...(accepted ? { acceptedAt: assignedAt } : {}),
  };
  await putConversation(h.fixture.conversationsTable, conversation);
  await putOperator(h.fixture.operatorsTable, {
    ...operator,
    activeChats: 1,
    conversations: [conversation.conversationId],
  });
  return conversation;
}

describe('the waiting line under crashes: every flow, every crash point, then redelivery and the reconciler', () => {
  // The crash points of each flow, for docs/dispatch-faults.md (DISPATCH_FAULTS_TRACE=1 prints them).
  const crashPoints: Record<string, string[]> = {};
  afterAll(() => {
    if (process.env.DISPATCH_FAULTS_TRACE) process.stdout.write(`${JSON.stringify(crashPoints, null, 1)}\n`);
  });

  it('escalate: the consumer admits an escalation; nobody is online, so it ends waiting in its category queue with its SLA timer', async () => {
    const h = await harness();
    const flow: Flow<{ conversation: Conversation; event: EscalationEvent }> = {
      async prepare() {
        const { conversation, event } = queuedByTheBot();
        await putConversation(h.fixture.conversationsTable, conversation);
        return { conversation, event };
      },
      run: (_, s) => admitEscalation(h.deps, s.event),
      expected: () => ({ state: 'queued', queue: 'legal' }),
    };
    crashPoints.escalate = await crashEverywhere(h, flow);
  });

  it('assign: a queue.arrival signal offers a waiting conversation to a present operator; it ends assigned to them once, announced', async () => {
    const h = await harness();
    const flow: Flow<{ conversation: Conversation }> = {
      async prepare() {
        // A fresh operator each case; those of earlier cases still have free slots: any of them may take it.
        await presentOperator(h, ['documents']);
        return { conversation: await waiting(h, 'documents') };
      },
      run: () => fireTimer(h.deps, { kind: 'queue.arrival', queue: 'documents' }),
      expected: () => ({ state: 'operator' }),
    };
    crashPoints.assign = await crashEverywhere(h, flow);
  });

  it('escalate after operator.request: the bot worker’s turn that ends the intake queues the conversation and publishes its escalation; it ends waiting in its category queue with its SLA timer', async () => {
    // `operator.request` itself publishes only when the intake has nothing to ask, and for a
    // citizen's request it always asks the service first: the publish that follows it is this turn's.
    const h = await harness();
    const tables = {
      sessionsTable: env('SESSIONS_TABLE'),
      conversationsTable: h.fixture.conversationsTable,
      messagesTable: env('MESSAGES_TABLE'),
      idempotencyTable: h.fixture.idempotencyTable,
    };
    const knowledgeBase = loadKnowledgeBase(repoPath('layers/knowledge-base/kb'));
    const bot = createBot(knowledgeBase);
    const common = {
      sessions: new DynamoSessionRepository(env('SESSIONS_TABLE')),
      targets: new DynamoSessionTargetReader(tables),
      conversations: h.deps.conversations,
      messages: new DynamoMessageRepository(env('MESSAGES_TABLE')),
      log: new DynamoConversationLog({ ...tables, compressBodies: true }),
      connections: h.deps.connections,
      notifier: h.notifier,
      escalations: new SqsEscalationQueue(h.escalationQueueUrl),
      ledger: assignmentAdapters(h.fixture).ledger,
      clock: systemClock,
      ids: randomIds,
      sleeper: timerSleeper,
      retentionDays: 1,
      pendingQuestionTtlSeconds: 1800,
    };
    // The worker as it runs in BotWorker, its writes, publish, clear and posts crashed one by one.
    const worker = {
      ...common,
      jobContext: new DynamoBotJobContextReader(tables),
      log: h.faults.wrap('log', common.log, ['appendBotTurn']),
      notifier: h.deps.notifier,
      escalations: h.deps.escalations,
      ledger: h.deps.ledger,
      responder: bot,
      dialogue: knowledgeBase.dialogue,
    };
    const flow: Flow<{ conversation: { conversationId: string }; job: BotJob }> = {
      async prepare() {
        // The citizen presses "operator" with a reason, then skips the rest of the intake.
        const sessionId = randomUUID();
        const caller: Caller = { principalId: sessionId, sessionId, role: 'guest', lang: 'ru' };
        const asked = await requestOperator(
          { ...common, speaker: bot, dialogue: knowledgeBase.dialogue },
          { caller, connectionId: `conn-${sessionId}`, reason: 'не приходит код подтверждения на телефон' },
        );
        expect(asked.frame.state).toBe('bot');
        const jobs: BotJob[] = [];
        await sendCitizenMessage(
          {
            ...common,
            hints: new OpenConversationHints(),
            botJobs: { enqueue: async (job) => void jobs.push(job) },
            attachments: new DynamoAttachmentRepository({ attachmentsTable: env('ATTACHMENTS_TABLE') }),
          },
          { caller, clientMessageId: `skip-${sessionId}`, text: 'пропустить всё' },
        );
        const [job] = jobs;
        if (!job) throw new Error('no bot job');
        return { conversation: { conversationId: asked.frame.conversationId }, job };
      },
      run: (_, s) => answerCitizenMessage(worker, s.job),
      async thenNext(_, s) {
        // The escalation consumer admits what was published (nobody is online in this harness).
        for (const message of await drainEscalations(h)) await receiveEscalation(h.deps, message);
        const stored = await h.deps.conversations.get(s.conversation.conversationId);
        expect(stored?.escalation?.event.reason).toBe('citizen_request');
      },
      // No topic recognised before the button: `general` (`requestCategory`).
      expected: () => ({ state: 'queued', queue: 'general' }),
    };
    crashPoints.request = await crashEverywhere(h, flow);
  });

  it('breach: the SLA timer finds a conversation nobody took; it ends waiting at the head of its queue with its copy in the senior queue, and the breach counts once', async () => {
    const h = await harness();
    const flow: Flow<{ conversation: Conversation; timer: TimerMessage }> = {
      async prepare() {
        const conversation = await waiting(h, 'auth', 130);
        const timer: TimerMessage = {
          kind: 'sla.assign',
          conversationId: conversation.conversationId,
          entryId: conversation.queueEntryId as string,
          dueAt: new Date(Date.now() - 10_000).toISOString(),
        };
        h.breaches.length = 0;
        return { conversation, timer };
      },
      run: (_, s) => fireTimer(h.deps, s.timer),
      expected: () => ({ state: 'queued', queue: 'auth', alsoIn: [SENIOR_QUEUE] }),
      async alsoCheck(_, s, context) {
        // Counted from the record by whoever finds it uncounted (the redelivery, else the reconciler);
        // a death between the claim's write and its answer is the one point that loses it.
        const lost = context.includes('(sla.markBreachCounted)') ? 1 : 0;
        expect(h.breaches.length, `${context}: breaches counted`).toBe(1 - lost);
        const stored = await h.deps.conversations.get(s.conversation.conversationId);
        expect(stored?.slaBreachedAt, `${context}: the breach recorded`).toBeDefined();
      },
    };
    crashPoints.breach = await crashEverywhere(h, flow);
  });

  it('transfer: an operator hands a conversation to another queue; it ends waiting there with its SLA timer, their slot freed', async () => {
    const h = await harness();
    const flow: Flow<{ conversation: Conversation; operatorId: string }> = {
      async prepare() {
        const operator = await presentOperator(h, ['auth']);
        const conversation = await held(h, operator, 'auth');
        return { conversation, operatorId: operator.operatorId };
      },
      // The desk's `operator.transfer` through `UseCaseConversationMover`; the retry is the operator's.
      run: (_, s) =>
        moveConversation(h.deps, {
          conversationId: s.conversation.conversationId,
          to: 'legal',
          fromOperatorId: s.operatorId,
          now: new Date(),
        }),
      expected: () => ({ state: 'queued', queue: 'legal' }),
    };
    crashPoints.transfer = await crashEverywhere(h, flow);
  });

  it('grace expiry: an operator gone past the grace period goes offline; what they held ends waiting at the front of its queue', async () => {
    const h = await harness();
    const flow: Flow<{ conversation: Conversation; timer: TimerMessage }> = {
      async prepare() {
        const disconnectedAt = new Date(Date.now() - 5_000).toISOString();
        const operator = { ...onlineOperator(randomUUID(), ['mfc'], 3), disconnectedAt };
        const conversation = await held(h, operator, 'mfc');
        const timer: TimerMessage = {
          kind: 'operator.grace',
          operatorId: operator.operatorId,
          disconnectedAt,
          dueAt: disconnectedAt,
        };
        return { conversation, timer };
      },
      run: (_, s) => fireTimer(h.deps, s.timer),
      expected: () => ({ state: 'queued', queue: 'mfc' }),
    };
    crashPoints.grace = await crashEverywhere(h, flow);
  });

  it('accept timeout: an assignment left unaccepted goes back to the front of its queue and its operator is set away', async () => {
    const h = await harness();
    const flow: Flow<{ conversation: Conversation; timer: TimerMessage; operatorId: string }> = {
      async prepare() {
        const operator = await presentOperator(h, ['applications']);
        const conversation = await held(h, operator, 'applications', {
          accepted: false,
          assignedSecondsAgo: 25,
        });
        const timer: TimerMessage = {
          kind: 'assignment.accept',
          conversationId: conversation.conversationId,
          operatorId: operator.operatorId,
          assignedAt: conversation.assignedAt as string,
          dueAt: new Date().toISOString(),
        };
        return { conversation, timer, operatorId: operator.operatorId };
      },
      run: (_, s) => fireTimer(h.deps, s.timer),
      expected: () => ({ state: 'queued', queue: 'applications' }),
      async alsoCheck(_, s, context) {
        const operator = await h.deps.operators.get(s.operatorId);
        expect(operator?.status, `${context}: the operator`).toBe('away');
      },
    };
    crashPoints.accept = await crashEverywhere(h, flow);
  });
});

describe('the reconciler finishes what no retry reaches (DynamoDB Local + SQS emulator)', () => {
  it('publishes the escalation of a conversation queued by operator.request whose publish never happened, and the consumer admits it once', async () => {
    // Prepare: the conversation as the turn's commit left it — queued, its escalation and the
    // follow-up "publish attempt 1" — and then nothing (the route died, or SQS refused).
    const h = await harness();
    const { conversation: base, event } = queuedByTheBot({
      category: 'auth',
      reason: 'citizen_request',
      intent: undefined,
      intake: { problem: 'не приходит код' },
    });
    const writtenAt = new Date(Date.now() - 2_000).toISOString();
    await dynamoDocuments.send(
      new PutCommand({
        TableName: h.fixture.conversationsTable,
        Item: {
          ...base,
          followUps: { escalation: { attempt: 1 } },
          followUpsAt: writtenAt,
          followUpsDue: 'due',
        },
      }),
    );

    // Act
    const repairs = await reconcile(h.deps);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: h.escalationQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const published = Messages.map((m) => JSON.parse(m.Body ?? '') as EscalationMessage);
    const again = await reconcile(h.deps);
    await receiveEscalation(h.deps, published[0] as EscalationMessage);

    // Assess
    expect(repairs.escalation).toBe(1);
    expect(again.escalation).toBeUndefined();
    // Ids only: the intake stays on the conversation, where the consumer reads it.
    expect(published).toEqual([{ conversationId: event.conversationId, attempt: event.attempt }]);
    await expectSettled(h, base.conversationId, { state: 'queued', queue: 'auth' }, 'after the admission');
  });

  it('records the disconnect of an operator online with no connection (a $disconnect that never ran) and starts the grace timer', async () => {
    // Prepare: online, lease running, but no connection anywhere and no disconnect recorded.
    const h = await harness();
    const ghost = onlineOperator(randomUUID(), ['general'], 3);
    await putOperator(h.fixture.operatorsTable, ghost);

    // Act
    const repairs = await reconcile(h.deps);
    const stored = await h.deps.operators.get(ghost.operatorId);

    // Assess
    expect(repairs.ghost_operator).toBe(1);
    expect(stored?.disconnectedAt).toBeDefined();
    expect(h.timers).toContainEqual(
      expect.objectContaining({
        kind: 'operator.grace',
        operatorId: ghost.operatorId,
        disconnectedAt: stored?.disconnectedAt,
      }),
    );
  });

  it('does the work of an SLA timer that never fired: a conversation waiting past SLA_ASSIGN_SECONDS is a breach offered to seniors, counted once', async () => {
    // Prepare: waiting in `legal` for 10 s with an SLA of 2 s, and no timer anywhere.
    const h = await harness({ slaAssignSeconds: 2 });
    const conversation = await waiting(h, 'legal', 10);

    // Act
    const repairs = await reconcile(h.deps);
    const again = await reconcile(h.deps);

    // Assess
    expect(repairs.sla_timer).toBe(1);
    expect(again.sla_timer).toBeUndefined();
    expect(h.breaches).toEqual(['legal']);
    await expectSettled(
      h,
      conversation.conversationId,
      { state: 'queued', queue: 'legal', alsoIn: [SENIOR_QUEUE] },
      'after the repair',
    );
  });
  it('leaves an assignment whose frame went out late to its operator until its own accept window ends, not ACCEPT_SECONDS after the commit', async () => {
    // Prepare: committed 60 s ago (ACCEPT_SECONDS 20), announced late: its window ends in 10 s.
    const h = await harness();
    const operator = await presentOperator(h, ['documents']);
    const base = await held(h, operator, 'documents', { accepted: false, assignedSecondsAgo: 60 });
    await putConversation(h.fixture.conversationsTable, {
      ...base,
      acceptDueAt: new Date(Date.now() + 10_000).toISOString(),
    });

    // Act
    const repairs = await reconcile(h.deps);

    // Assess
    expect(repairs.accept_timer).toBeUndefined();
    expect(await h.deps.conversations.get(base.conversationId)).toMatchObject({
      state: 'operator',
      operatorId: operator.operatorId,
    });
    expect((await h.deps.operators.get(operator.operatorId))?.status).toBe('online');
  });

  it('counts a breach whose SLA timer recorded it and died before counting it: once, however often it runs', async () => {
    // Prepare: waiting in `legal` past the SLA, its breach recorded (the timer's transaction) and no more.
    const h = await harness();
    const conversation = await waiting(h, 'legal', 130);
    const recorded = await h.deps.sla.recordBreach(conversation, new Date());

    // Act
    const repairs = await reconcile(h.deps);
    const again = await reconcile(h.deps);

    // Assess
    expect(recorded.status).toBe('breached');
    expect(repairs.sla_count).toBe(1);
    expect(again.sla_count).toBeUndefined();
    expect(h.breaches).toEqual(['legal']);
  });

  it('does the work of a first-reply timer that never came: a missed first reply counted once, however often it runs', async () => {
    // Prepare: accepted 80 s ago (FIRST_REPLY_SECONDS 60), no reply, and no timer anywhere.
    const h = await harness();
    const operator = await presentOperator(h, ['auth']);
    const conversation = await held(h, operator, 'auth', { accepted: true, assignedSecondsAgo: 80 });

    // Act
    const repairs = await reconcile(h.deps);
    const again = await reconcile(h.deps);
    // The timer arriving after all counts nothing more.
    const late = await fireTimer(h.deps, {
      kind: 'assignment.firstReply',
      conversationId: conversation.conversationId,
      operatorId: operator.operatorId,
      acceptedAt: conversation.acceptedAt as string,
      dueAt: conversation.acceptedAt as string,
    });

    // Assess
    expect(repairs.first_reply_timer).toBe(1);
    expect(again.first_reply_timer).toBeUndefined();
    expect(late).toEqual({ kind: 'assignment.firstReply', status: 'stale' });
    expect(h.missedFirstReplies).toEqual(['auth']);
    expect(await h.deps.conversations.get(conversation.conversationId)).toMatchObject({
      state: 'operator',
      operatorId: operator.operatorId,
    });
  });

  it('asks again for the line tick when someone waits and no tick ran (a tick lost between its claim and its send), and not once ticks run', async () => {
    // Prepare: a citizen waiting in `mfc`; no tick has ever run on this fixture.
    const h = await harness();
    await waiting(h, 'mfc', 5);

    // Act
    const repairs = await reconcile(h.deps);
    const tick = h.timers.find((t) => t.kind === 'line.tick');
    if (tick?.kind !== 'line.tick') throw new Error('no line tick scheduled');
    const ran = await runLineTick(h.deps, tick.periodStart);
    const again = await reconcile(h.deps);

    // Assess
    expect(repairs.line_tick).toBe(1);
    expect(ran).toMatchObject({ status: 'ticked', waiting: 1 });
    expect(again.line_tick).toBeUndefined();
  });
});
