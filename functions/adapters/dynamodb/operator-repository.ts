/**
 * Operators in OperatorsTable (key `operatorId`, index `byStatus`), the exactly-once writes of
 * assignment over ConversationsTable and OperatorsTable together, and the waiting line of each queue
 * (ConversationsTable index `byQueue`, sparse: only waiting conversations carry `queue`).
 *
 * Every assignment and release is one TransactWriteItems whose conditions are the rules
 * (docs/architecture.md, "Assignment"): the conversation must still wait in that very
 * queue entry with no operator, the operator must be online with a free slot, and the counter
 * `activeChats` moves only together with the set `conversations` of what the operator holds, so a
 * release of a conversation that is not in the set (a repeat) changes nothing.
 */
import {
  type CancellationReason,
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '#domain/conversations.ts';
import type { Operator, OperatorQueueName } from '#domain/operator-roster.ts';
import type {
  Assignee,
  AssignmentStore,
  AssignOutcome,
  MoveOutcome,
  PlacementSource,
  QueuePlacement,
  WaitingConversation,
  WaitingLine,
} from '#domain/ports/assignment.ts';
import type { OperatorRepository, OperatorStatusChange } from '#domain/ports/operator-roster.ts';
import type { QueueEntry } from '#events/queue-entry.ts';
import { documentClient } from './document-client.ts';
import { conversationItem, operatorItem } from './item-schemas.ts';
import { cancellationReasons, conditionFailedAt } from './transactions.ts';

const BY_STATUS_INDEX = 'byStatus';
const BY_QUEUE_INDEX = 'byQueue';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Tries of a move that met other transactions (each one re-checks its conditions). */
const MAX_PLACE_ATTEMPTS = 5;

export interface AssignmentTables {
  conversationsTable: string;
  operatorsTable: string;
}

export class DynamoOperatorRepository implements OperatorRepository {
  constructor(private readonly tableName: string) {}

  async get(operatorId: string): Promise<Operator | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: { operatorId }, ConsistentRead: true }),
    );
    return Item ? operatorItem.parse(Item) : undefined;
  }

  async listOnline(): Promise<Operator[]> {
    const operators: Operator[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.tableName,
        IndexName: BY_STATUS_INDEX,
        KeyConditionExpression: '#status = :online',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':online': 'online' },
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? []) operators.push(operatorItem.parse(item));
    return operators;
  }

  async saveStatus(change: OperatorStatusChange): Promise<Operator> {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { operatorId: change.operatorId },
        // Saying anything means being connected: a pending grace timer no longer applies.
        UpdateExpression: [
          'SET displayName = :name, #role = :role, #status = :status, updatedAt = :now,',
          change.skills ? 'skills = :skills,' : 'skills = if_not_exists(skills, :skills),',
          change.maxChats ? 'maxChats = :maxChats,' : 'maxChats = if_not_exists(maxChats, :maxChats),',
          'activeChats = if_not_exists(activeChats, :zero),',
          'leaseUntil = :lease, leaseWatch = :watch',
          'REMOVE disconnectedAt',
        ].join(' '),
        ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
        ExpressionAttributeValues: {
          ':name': change.displayName,
          ':role': change.role,
          ':status': change.status,
          ':now': change.now.toISOString(),
          ':skills': change.skills ?? change.defaultSkills,
          ':maxChats': change.maxChats ?? change.defaultMaxChats,
          ':zero': 0,
          ':lease': change.leaseUntil,
          ':watch': change.leaseWatch,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return operatorItem.parse(Attributes);
  }

  async renewLease(operatorId: string, leaseUntil: string): Promise<Operator | undefined> {
    return this.updateIf({
      Key: { operatorId },
      // A frame comes from a live connection: a pending disconnect no longer applies.
      UpdateExpression: 'SET leaseUntil = :lease REMOVE disconnectedAt',
      ConditionExpression: 'attribute_exists(operatorId)',
      ExpressionAttributeValues: { ':lease': leaseUntil },
    });
  }

  async markOfflineAfterLapse(
    operatorId: string,
    lapsed: { watchId: string; leaseUntil: string },
    now: Date,
  ): Promise<Operator | undefined> {
    return this.updateIf({
      Key: { operatorId },
      UpdateExpression: 'SET #status = :offline, updatedAt = :now',
      ConditionExpression: 'leaseWatch = :watch AND leaseUntil = :lease AND #status <> :offline',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':offline': 'offline',
        ':now': now.toISOString(),
        ':watch': lapsed.watchId,
        ':lease': lapsed.leaseUntil,
      },
    });
  }

  async setAway(operatorId: string, now: Date): Promise<Operator | undefined> {
    return this.updateIf({
      Key: { operatorId },
      UpdateExpression: 'SET #status = :away, updatedAt = :now',
      ConditionExpression: '#status = :online',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':away': 'away', ':online': 'online', ':now': now.toISOString() },
    });
  }

  /** One conditional update of an operator: the item as stored after it, or undefined when the condition failed. */
  private async updateIf(
    update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues'>,
  ): Promise<Operator | undefined> {
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({ TableName: this.tableName, ...update, ReturnValues: 'ALL_NEW' }),
      );
      return operatorItem.parse(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async markDisconnected(operatorId: string, at: string): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { operatorId },
          UpdateExpression: 'SET disconnectedAt = :at',
          ConditionExpression: 'attribute_exists(operatorId)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markOfflineAfterGrace(
    operatorId: string,
    disconnectedAt: string,
    now: Date,
  ): Promise<Operator | undefined> {
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { operatorId },
          UpdateExpression: 'SET #status = :offline, updatedAt = :now',
          ConditionExpression: 'disconnectedAt = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':offline': 'offline',
            ':now': now.toISOString(),
            ':at': disconnectedAt,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return operatorItem.parse(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

export class DynamoAssignmentStore implements AssignmentStore {
  constructor(private readonly tables: AssignmentTables) {}

  async assign(entry: QueueEntry, assignee: Assignee, now: Date): Promise<AssignOutcome> {
    const at = now.toISOString();
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tables.conversationsTable,
          Key: { conversationId: entry.conversationId },
          UpdateExpression:
            'SET #state = :operator, operatorId = :operatorId, operatorName = :name, assignedAt = :now, updatedAt = :now, assignedQueue = :queue REMOVE #queue',
          ConditionExpression:
            '#state = :queued AND #queue = :queue AND queueEntryId = :entryId AND attribute_not_exists(operatorId)',
          ExpressionAttributeNames: { '#state': 'state', '#queue': 'queue' },
          ExpressionAttributeValues: {
            ':operator': 'operator',
            ':queued': 'queued',
            ':queue': entry.queue,
            ':entryId': entry.entryId,
            ':operatorId': assignee.operatorId,
            ':name': assignee.displayName,
            ':now': at,
          },
        },
      },
      {
        Update: {
          TableName: this.tables.operatorsTable,
          Key: { operatorId: assignee.operatorId },
          UpdateExpression: 'SET activeChats = activeChats + :one, updatedAt = :now ADD conversations :held',
          // Present: online, a console connected (no pending disconnect) and the lease still running.
          ConditionExpression:
            '#status = :online AND attribute_not_exists(disconnectedAt) AND leaseUntil > :now AND activeChats < maxChats AND NOT contains(conversations, :conversationId)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':now': at,
            ':held': new Set([entry.conversationId]),
            ':online': 'online',
            ':conversationId': entry.conversationId,
          },
        },
      },
    ];
    const outcome = await commit(items);
    if (outcome === 'committed') {
      const conversation = await this.conversation(entry.conversationId);
      if (!conversation) throw new Error('an assigned conversation vanished');
      return { status: 'assigned', conversation };
    }
    if (outcome === 'contended') return { status: 'contended' };
    if (conditionFailedAt(outcome, 0)) return { status: 'stale' };
    return { status: 'operator_full' };
  }

  async accept(conversationId: string, operatorId: string, now: Date): Promise<Conversation | undefined> {
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          UpdateExpression: 'SET acceptedAt = :now, updatedAt = :now',
          ConditionExpression:
            '#state = :operator AND operatorId = :operatorId AND attribute_not_exists(acceptedAt)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':operator': 'operator',
            ':operatorId': operatorId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return conversationItem.parse(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async release(conversationId: string, operatorId: string): Promise<boolean> {
    try {
      await documentClient.send(new UpdateCommand(this.releaseUpdate(conversationId, operatorId)));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async place(
    conversationId: string,
    placement: QueuePlacement,
    from: PlacementSource,
    attempt = 1,
  ): Promise<MoveOutcome> {
    const values: Record<string, unknown> = {
      ':queued': 'queued',
      ':queue': placement.queue,
      ':queuedAt': placement.queuedAt,
      ':entryId': placement.entryId,
      ':now': placement.now.toISOString(),
      ...(from.slaBreachedAt ? { ':breachedAt': from.slaBreachedAt } : {}),
    };
    const set = [
      '#state = :queued',
      '#queue = :queue',
      'queuedAt = :queuedAt',
      'queueEntryId = :entryId',
      'updatedAt = :now',
      ...(from.slaBreachedAt ? ['slaBreachedAt = :breachedAt'] : []),
    ];
    const names = { '#state': 'state', '#queue': 'queue' };
    const { fromOperatorId } = from;
    if (fromOperatorId === undefined) {
      try {
        const { Attributes } = await documentClient.send(
          new UpdateCommand({
            TableName: this.tables.conversationsTable,
            Key: { conversationId },
            UpdateExpression: `SET ${set.join(', ')}`,
            ConditionExpression: '#state = :queued AND attribute_not_exists(operatorId)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { status: 'moved', conversation: conversationItem.parse(Attributes) };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { status: 'not_movable' };
        throw error;
      }
    }
    const outcome = await commit([
      {
        Update: {
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          // Whoever takes it next accepts it anew.
          UpdateExpression: `SET ${set.join(', ')} REMOVE operatorId, operatorName, assignedAt, acceptedAt`,
          ConditionExpression:
            from.unacceptedAssignedAt === undefined
              ? '#state = :operator AND operatorId = :operatorId'
              : '#state = :operator AND operatorId = :operatorId AND assignedAt = :assignedAt AND attribute_not_exists(acceptedAt)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...values,
            ':operator': 'operator',
            ':operatorId': fromOperatorId,
            ...(from.unacceptedAssignedAt === undefined ? {} : { ':assignedAt': from.unacceptedAssignedAt }),
          },
        },
      },
      { Update: this.releaseUpdate(conversationId, fromOperatorId) },
    ]);
    if (outcome === 'contended') {
      // Another transaction touched the conversation or the operator: the conditions decide again.
      if (attempt >= MAX_PLACE_ATTEMPTS)
        throw new Error('moving the conversation kept meeting other transactions');
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      return this.place(conversationId, placement, from, attempt + 1);
    }
    if (outcome !== 'committed') return { status: 'not_movable' };
    const conversation = await this.conversation(conversationId);
    if (!conversation) throw new Error('a moved conversation vanished');
    return { status: 'moved', conversation, releasedOperatorId: fromOperatorId };
  }

  async admit(
    conversationId: string,
    attempt: number,
    fields: { ticketId: string; ticketNumber: string; placement: QueuePlacement },
  ): Promise<Conversation | undefined> {
    const { placement } = fields;
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          UpdateExpression:
            'SET ticketId = :ticketId, ticketNumber = :number, #queue = :queue, queuedAt = :queuedAt, queueEntryId = :entryId, dispatchedAttempt = :attempt, updatedAt = :now',
          ConditionExpression:
            '#state = :queued AND attribute_not_exists(operatorId) AND (attribute_not_exists(dispatchedAttempt) OR dispatchedAttempt < :attempt)',
          ExpressionAttributeNames: { '#state': 'state', '#queue': 'queue' },
          ExpressionAttributeValues: {
            ':ticketId': fields.ticketId,
            ':number': fields.ticketNumber,
            ':queue': placement.queue,
            ':queuedAt': placement.queuedAt,
            ':entryId': placement.entryId,
            ':attempt': attempt,
            ':now': placement.now.toISOString(),
            ':queued': 'queued',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return conversationItem.parse(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return this.conversation(conversationId);
      throw error;
    }
  }

  async heldBy(operatorId: string): Promise<Conversation[]> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.tables.operatorsTable, Key: { operatorId }, ConsistentRead: true }),
    );
    if (!Item) return [];
    const operator = operatorItem.parse(Item);
    const conversations = await Promise.all(operator.conversations.map((id) => this.conversation(id)));
    return conversations.filter(
      (c): c is Conversation => c !== undefined && c.state === 'operator' && c.operatorId === operatorId,
    );
  }

  private releaseUpdate(conversationId: string, operatorId: string) {
    return {
      TableName: this.tables.operatorsTable,
      Key: { operatorId },
      UpdateExpression: 'SET activeChats = activeChats - :one DELETE conversations :held',
      ConditionExpression: 'contains(conversations, :conversationId)',
      ExpressionAttributeValues: {
        ':one': 1,
        ':held': new Set([conversationId]),
        ':conversationId': conversationId,
      },
    };
  }

  private async conversation(conversationId: string): Promise<Conversation | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: this.tables.conversationsTable,
        Key: { conversationId },
        ConsistentRead: true,
      }),
    );
    return Item ? conversationItem.parse(Item) : undefined;
  }
}

export class DynamoWaitingLine implements WaitingLine {
  constructor(private readonly conversationsTable: string) {}

  async first(queue: OperatorQueueName, limit: number): Promise<WaitingConversation[]> {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: this.conversationsTable,
        IndexName: BY_QUEUE_INDEX,
        KeyConditionExpression: '#queue = :queue',
        ExpressionAttributeNames: { '#queue': 'queue' },
        ExpressionAttributeValues: { ':queue': queue },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return Items.map((item) => {
      const c = conversationItem.parse(item);
      return {
        conversationId: c.conversationId,
        sessionId: c.sessionId,
        queuedAt: c.queuedAt ?? c.updatedAt,
        ...(c.ticketId ? { ticketId: c.ticketId } : {}),
        ...(c.ticketNumber ? { ticketNumber: c.ticketNumber } : {}),
      };
    });
  }

  async stat(queue: OperatorQueueName): Promise<{ waiting: number; oldestQueuedAt?: string }> {
    const [waiting, [oldest]] = await Promise.all([this.count(queue), this.first(queue, 1)]);
    return { waiting, ...(oldest ? { oldestQueuedAt: oldest.queuedAt } : {}) };
  }

  async position(queue: OperatorQueueName, queuedAt: string, _conversationId: string): Promise<number> {
    return 1 + (await this.count(queue, queuedAt));
  }

  /** Waiting conversations of the queue (queued before `before`, if given): a COUNT query, paged. */
  private async count(queue: OperatorQueueName, before?: string): Promise<number> {
    let total = 0;
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.conversationsTable,
        IndexName: BY_QUEUE_INDEX,
        KeyConditionExpression: before ? '#queue = :queue AND queuedAt < :before' : '#queue = :queue',
        ExpressionAttributeNames: { '#queue': 'queue' },
        ExpressionAttributeValues: { ':queue': queue, ...(before ? { ':before': before } : {}) },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) total += page.Count ?? 0;
    return total;
  }
}

type CommitOutcome = 'committed' | 'contended' | CancellationReason[];

/**
 * Commits the transaction. A conflict with another transaction is `contended` (nothing written);
 * a failed condition returns the reasons by item; anything else (throttling, validation) throws.
 */
async function commit(items: TransactItem[]): Promise<CommitOutcome> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return 'committed';
  } catch (error) {
    if (error instanceof TransactionConflictException) return 'contended';
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = cancellationReasons(error);
    if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return reasons;
    if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'contended';
    throw error;
  }
}
