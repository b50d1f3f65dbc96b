/**
 * The exactly-once writes of assignment over ConversationsTable and OperatorsTable together: the
 * `AssignmentStore` port.
 *
 * Every assignment and release is one TransactWriteItems whose conditions are the rules
 * (docs/architecture.md, "Assignment"): the conversation must still wait in that very
 * queue entry with no operator, the operator must be online with a free slot, and the counter
 * `activeChats` moves only together with the set `conversations` of what the operator holds, so a
 * release of a conversation that is not in the set (a repeat) changes nothing.
 */
import type { Conversation } from '#domain/conversations.ts';
import type {
  Assignee,
  AssignmentStore,
  AssignOutcome,
  MoveOutcome,
  PlacementSource,
  QueuePlacement,
} from '#domain/ports/assignment.ts';
import type { Sleeper } from '#domain/ports/system.ts';
import { CONTENDED_MOVE_RETRY, LOST_RACE, type RetryPolicy, withRetry } from '#domain/retry.ts';
import type { QueueEntry } from '#events/queue-entry.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { timerSleeper } from '../system.ts';
import { readConversation, readOperator } from './assignment-items.ts';
import { conditionally, documentClient } from './document-client.ts';
import { followUpsWrite } from './follow-up-ledger.ts';
import { conversationItem } from './item-schemas.ts';
import { conditionFailedAt, type TransactItem, transactWrite } from './transactions.ts';

export interface AssignmentTables {
  conversationsTable: string;
  operatorsTable: string;
}

export class DynamoAssignmentStore implements AssignmentStore {
  constructor(
    private readonly tables: AssignmentTables,
    /** How a move that met other transactions tries again (each try re-checks its conditions). */
    private readonly retry: { sleeper: Sleeper; policy: RetryPolicy } = {
      sleeper: timerSleeper,
      policy: CONTENDED_MOVE_RETRY,
    },
  ) {}

  async assign(entry: QueueEntry, assignee: Assignee, now: Date): Promise<AssignOutcome> {
    const at = now.toISOString();
    const announce = followUpsWrite({ announce: { operatorId: assignee.operatorId } }, at);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tables.conversationsTable,
          Key: { conversationId: entry.conversationId },
          // The ledger: the announcement must follow, written with the assignment (cleared once told).
          UpdateExpression: `SET #state = :operator, operatorId = :operatorId, operatorName = :name, assignedAt = :now, updatedAt = :now, assignedQueue = :queue, ${announce.set} REMOVE #queue`,
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
            ...announce.values,
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
    const outcome = await transactWrite(items);
    if (outcome.status === 'committed') {
      const conversation = await this.conversation(entry.conversationId);
      if (!conversation) throw new Error('an assigned conversation vanished');
      return { status: 'assigned', conversation };
    }
    if (outcome.status === 'contended') return { status: 'contended' };
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

  async markFirstReplyChecked(conversationId: string, acceptedAt: string): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          UpdateExpression: 'SET firstReplyCheckedFor = :acceptedAt',
          ConditionExpression:
            'acceptedAt = :acceptedAt AND (attribute_not_exists(firstReplyCheckedFor) OR firstReplyCheckedFor <> :acceptedAt)',
          ExpressionAttributeValues: { ':acceptedAt': acceptedAt },
        }),
      ),
    );
  }

  async release(conversationId: string, operatorId: string): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(new UpdateCommand(this.releaseUpdate(conversationId, operatorId))),
    );
  }

  async place(
    conversationId: string,
    placement: QueuePlacement,
    from: PlacementSource,
  ): Promise<MoveOutcome> {
    const followUps = followUpsWrite(placement.followUps, placement.now.toISOString());
    const values: Record<string, unknown> = {
      ':queued': 'queued',
      ':queue': placement.queue,
      ':queuedAt': placement.queuedAt,
      ':entryId': placement.entryId,
      ':now': placement.now.toISOString(),
      ...(from.slaBreachedAt ? { ':breachedAt': from.slaBreachedAt } : {}),
      ...followUps.values,
    };
    const set = [
      '#state = :queued',
      '#queue = :queue',
      'queuedAt = :queuedAt',
      'queueEntryId = :entryId',
      'queueEnteredAt = :now',
      'updatedAt = :now',
      ...(from.slaBreachedAt ? ['slaBreachedAt = :breachedAt'] : []),
      // The ledger: the entry, its timer and the signals, written with the move.
      followUps.set,
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
            // Only from the entry the mover read: a second copy of a timer moves (and counts) nothing.
            ConditionExpression:
              from.fromEntryId === undefined
                ? '#state = :queued AND attribute_not_exists(operatorId)'
                : '#state = :queued AND attribute_not_exists(operatorId) AND queueEntryId = :fromEntryId',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ...values,
              ...(from.fromEntryId === undefined ? {} : { ':fromEntryId': from.fromEntryId }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { status: 'moved', conversation: conversationItem.parse(Attributes) };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { status: 'not_movable' };
        throw error;
      }
    }
    const moveItems: TransactItem[] = [
      {
        Update: {
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          // Whoever takes it next accepts it anew.
          UpdateExpression: `SET ${set.join(', ')} REMOVE operatorId, operatorName, assignedAt, acceptedAt, acceptDueAt`,
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
    ];
    // Another transaction touched the conversation or the operator: the conditions decide again.
    const outcome = await withRetry(
      this.retry.sleeper,
      this.retry.policy,
      async () => {
        const tried = await transactWrite(moveItems);
        return tried.status === 'contended' ? LOST_RACE : tried;
      },
      () => new Error('moving the conversation kept meeting other transactions'),
    );
    if (outcome.status !== 'committed') return { status: 'not_movable' };
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
    const at = placement.now.toISOString();
    const followUps = followUpsWrite(placement.followUps, at);
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          UpdateExpression:
            // The ledger: the entry and its SLA timer, written with the admission.
            `SET ticketId = :ticketId, ticketNumber = :number, #queue = :queue, queuedAt = :queuedAt, queueEntryId = :entryId, queueEnteredAt = :now, dispatchedAttempt = :attempt, updatedAt = :now, ${followUps.set}`,
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
            ':now': at,
            ':queued': 'queued',
            ...followUps.values,
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
    const operator = await readOperator(this.tables.operatorsTable, operatorId);
    if (!operator) return [];
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
    return readConversation(this.tables.conversationsTable, conversationId);
  }
}
