/**
 * Private copies of what assignment runs on, for tests of the assignment use cases against DynamoDB
 * Local and the SQS emulator: a ConversationsTable and an OperatorsTable with the stack's keys and
 * indexes, and the seven operator FIFO queues, all under fresh names. On the stack's own tables and
 * queues, the running assigning functions (woken by other test files) would take these tests' conversations
 * for their operators, and these tests' operators would take theirs.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAssignmentStore } from '#adapters/dynamodb/assignment-store.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoFollowUpLedger } from '#adapters/dynamodb/follow-up-ledger.ts';
import { DynamoLineTicks } from '#adapters/dynamodb/line-ticks.ts';
import { DynamoOperatorRepository } from '#adapters/dynamodb/operator-repository.ts';
import { DynamoWaitingLine } from '#adapters/dynamodb/waiting-line.ts';
import { SqsOperatorQueues } from '#adapters/operator-queues.ts';
import type { Conversation } from '#domain/conversations.ts';
import { OPERATOR_QUEUES, type Operator, type OperatorQueueName } from '#domain/operator-roster.ts';
import type { AssignmentMetrics } from '#domain/ports/assignment.ts';
import type { ConnectionNotifier, DeliveryOutcome, PushedFrame } from '#domain/ports/delivery.ts';
import type { Connection } from '#domain/sessions.ts';
import type { AssignmentSettings } from '#domain/use-cases/assign-conversations.ts';
import type { EscalationEvent } from '#events/escalation.ts';

const dynamo = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the global setup did not run`);
  return value;
}

/** A copy of one of the stack's tables (keys and global secondary indexes), empty. */
async function copyTable(variable: string): Promise<string> {
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: env(variable) }));
  const TableName = `${env(variable)}-test-${randomUUID()}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName,
      KeySchema: Table?.KeySchema,
      AttributeDefinitions: Table?.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      ...(Table?.GlobalSecondaryIndexes?.length
        ? {
            GlobalSecondaryIndexes: Table.GlobalSecondaryIndexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            })),
          }
        : {}),
    }),
  );
  return TableName;
}

export interface AssignmentFixture {
  conversationsTable: string;
  operatorsTable: string;
  /** A copy of IdempotencyTable: the line tick's items of this fixture only. */
  idempotencyTable: string;
  queueUrls: Record<OperatorQueueName, string>;
}

/** Fresh tables and queues (visibility timeout 30 s, as the stack's). */
export async function assignmentFixture(): Promise<AssignmentFixture> {
  const [conversationsTable, operatorsTable, idempotencyTable] = await Promise.all([
    copyTable('CONVERSATIONS_TABLE'),
    copyTable('OPERATORS_TABLE'),
    copyTable('IDEMPOTENCY_TABLE'),
  ]);
  const suffix = randomUUID().slice(0, 8);
  const urls = await Promise.all(
    OPERATOR_QUEUES.map(async (queue) => {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({
          QueueName: `test-${queue}-${suffix}.fifo`,
          Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: '30' },
        }),
      );
      if (!QueueUrl) throw new Error('no queue URL');
      return [queue, QueueUrl] as const;
    }),
  );
  return {
    conversationsTable,
    operatorsTable,
    idempotencyTable,
    queueUrls: Object.fromEntries(urls) as Record<OperatorQueueName, string>,
  };
}

/** Messages in a queue, visible or in flight. */
export async function messagesIn(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

export async function putConversation(table: string, conversation: Conversation): Promise<void> {
  await documents.send(new PutCommand({ TableName: table, Item: conversation }));
}

export async function putOperator(table: string, operator: Operator): Promise<void> {
  const { conversations, ...rest } = operator;
  await documents.send(
    new PutCommand({
      TableName: table,
      Item: { ...rest, ...(conversations.length > 0 ? { conversations: new Set(conversations) } : {}) },
    }),
  );
}

/** A conversation waiting in `queue` as the escalation consumer leaves it. */
export function waitingConversation(
  queue: OperatorQueueName,
  queuedAt: Date,
  sessionId = randomUUID(),
): Conversation {
  const at = queuedAt.toISOString();
  return {
    conversationId: randomUUID(),
    sessionId,
    state: 'queued',
    lastSeq: 3,
    createdAt: at,
    updatedAt: at,
    expiresAt: Math.floor(queuedAt.getTime() / 1000) + 86_400,
    category: queue === 'senior' ? 'general' : queue,
    queue,
    queuedAt: at,
    queueEntryId: randomUUID(),
    dispatchedAttempt: 1,
    ticketId: `t-${randomUUID()}`,
    ticketNumber: 'GU-20261125-7K3F9Q',
  };
}

/** The dispatch settings of the emulator tests: the stack's defaults, the tick at 5 s. */
export const TEST_ASSIGNMENT_SETTINGS: AssignmentSettings = {
  slaAssignSeconds: 120,
  operatorGraceSeconds: 60,
  averageHandleSeconds: 600,
  assignmentVisibilitySeconds: 30,
  queuePositionUpdates: 20,
  operatorMaxChats: 3,
  presenceLeaseSeconds: 45,
  acceptSeconds: 20,
  firstReplySeconds: 60,
  lineTickSeconds: 5,
};

/** What of a queued escalation a test may choose; `undefined` leaves it out (`intent`). */
export type EscalationChoice = Partial<Pick<EscalationEvent, 'category' | 'reason' | 'intent' | 'intake'>>;

/**
 * A conversation the bot just queued (no assignment fields yet, its escalation recorded on it) and
 * that escalation, as the escalation consumer receives it: by default a complaint in `legal`
 * (`operator_only`); `choice` changes the category, reason, intent or intake (e.g. a citizen's own
 * request in `auth`, with no intent).
 */
export function queuedByTheBot(choice: EscalationChoice = {}): {
  conversation: Conversation;
  event: EscalationEvent;
} {
  const category = choice.category ?? 'legal';
  const base = waitingConversation(category, new Date());
  const {
    queue: _q,
    queuedAt: _at,
    queueEntryId: _e,
    dispatchedAttempt: _d,
    ticketId: _t,
    ticketNumber: _n,
    ...rest
  } = base;
  const chosen: EscalationEvent = {
    conversationId: base.conversationId,
    sessionId: base.sessionId,
    attempt: 1,
    category,
    reason: 'operator_only',
    intent: 'legal.complaint',
    intake: { problem: 'отказали в приёме заявления' },
    lang: 'ru',
    escalatedAt: new Date().toISOString(),
    ...choice,
  };
  // A choice of `undefined` leaves the field out, as the bot does when it has none.
  const event = Object.fromEntries(
    Object.entries(chosen).filter(([, value]) => value !== undefined),
  ) as EscalationEvent;
  return { conversation: { ...rest, escalation: { event, seq: 3 } }, event };
}

export function onlineOperator(operatorId: string, skills: OperatorQueueName[], maxChats: number): Operator {
  return {
    operatorId,
    displayName: `Operator ${operatorId.slice(0, 4)}`,
    role: skills.includes('senior') ? 'senior' : 'operator',
    status: 'online',
    skills,
    maxChats,
    activeChats: 0,
    conversations: [],
    updatedAt: new Date().toISOString(),
    // A console connected and alive: the presence lease runs for the length of any test.
    leaseUntil: new Date(Date.now() + 3_600_000).toISOString(),
    leaseWatch: `watch-${operatorId}`,
  };
}

/** The assignment adapters on a fixture's tables and queues. */
export function assignmentAdapters(fixture: AssignmentFixture) {
  return {
    operators: new DynamoOperatorRepository(fixture.operatorsTable),
    store: new DynamoAssignmentStore(fixture),
    line: new DynamoWaitingLine(fixture.conversationsTable),
    queues: new SqsOperatorQueues(fixture.queueUrls),
    ticks: new DynamoLineTicks(fixture.idempotencyTable),
    ledger: new DynamoFollowUpLedger(fixture.conversationsTable),
  };
}

/**
 * Saves an open connection (ru) of a session (guest or citizen) or an operator, by default in the
 * stack's ConnectionsTable with an id `conn-…` and an hour to live; returns its id.
 */
export async function saveConnection(
  principalId: string,
  role: Connection['role'],
  {
    table = env('CONNECTIONS_TABLE'),
    connectionId = `conn-${randomUUID()}`,
    lifetimeSeconds = 3600,
  }: { table?: string; connectionId?: string; lifetimeSeconds?: number } = {},
): Promise<string> {
  await new DynamoConnectionRepository(table).save({
    connectionId,
    principalId,
    sessionId: principalId,
    role,
    lang: 'ru',
    connectedAt: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + lifetimeSeconds,
  });
  return connectionId;
}

/** A `@connections` API in memory: every frame posted is delivered and kept. */
/** Metrics that record nothing: these tests assert on storage and frames, not on EMF. */
export const silentAssignmentMetrics: AssignmentMetrics = {
  assigned: () => undefined,
  slaBreached: () => undefined,
  missedAssignment: () => undefined,
  missedFirstReply: () => undefined,
  announcementFailed: () => undefined,
};

export class RecordingNotifier implements ConnectionNotifier {
  readonly posts: { connectionId: string; frame: PushedFrame }[] = [];
  async post(connectionId: string, frame: PushedFrame): Promise<DeliveryOutcome> {
    this.posts.push({ connectionId, frame });
    return 'delivered';
  }
  /** The frames posted to `connectionId`, in order. */
  to(connectionId: string): PushedFrame[] {
    return this.posts.filter((p) => p.connectionId === connectionId).map((p) => p.frame);
  }
}
