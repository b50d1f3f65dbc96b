/**
 * Operators in OperatorsTable (key `operatorId`, index `byStatus`): the `OperatorRepository` port —
 * status, skills, slots, the presence lease and the pending disconnect. The writes that move
 * `activeChats` with a conversation are the assignment store's (`assignment-store.ts`).
 */
import type { Operator, OperatorStatus } from '#domain/operator-roster.ts';
import type { OperatorRepository, OperatorStatusChange } from '#domain/ports/operator-roster.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { paginateQuery, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { readOperator } from './assignment-items.ts';
import { conditionally, documentClient } from './document-client.ts';
import { operatorItem } from './operator-items.ts';

const BY_STATUS_INDEX = 'byStatus';

export class DynamoOperatorRepository implements OperatorRepository {
  constructor(private readonly tableName: string) {}

  async get(operatorId: string): Promise<Operator | undefined> {
    return readOperator(this.tableName, operatorId);
  }

  async listOnline(): Promise<Operator[]> {
    return this.listWithStatus('online');
  }

  async listWithStatus(status: OperatorStatus): Promise<Operator[]> {
    const operators: Operator[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.tableName,
        IndexName: BY_STATUS_INDEX,
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
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

  async renewLease(
    operatorId: string,
    leaseUntil: string,
    role: Operator['role'],
  ): Promise<Operator | undefined> {
    return this.updateIf({
      Key: { operatorId },
      // A frame comes from a live connection: a pending disconnect no longer applies. The role is
      // the pool's as of this frame (a demotion takes effect here).
      UpdateExpression: 'SET leaseUntil = :lease, #role = :role REMOVE disconnectedAt',
      ConditionExpression: 'attribute_exists(operatorId)',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':lease': leaseUntil, ':role': role },
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
      // Offline already by this very watch (a redelivery after a crash half-way) is no change: the
      // caller goes on handing back what they still hold.
      ConditionExpression: 'leaseWatch = :watch AND leaseUntil = :lease',
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

  async undoAway(operatorId: string, awayAt: Date): Promise<boolean> {
    const undone = await this.updateIf({
      Key: { operatorId },
      UpdateExpression: 'SET #status = :online',
      // Still away by that change: whatever came since (their own `operator.status`) stands.
      ConditionExpression: '#status = :away AND updatedAt = :awayAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':away': 'away', ':online': 'online', ':awayAt': awayAt.toISOString() },
    });
    return undone !== undefined;
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
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { operatorId },
          UpdateExpression: 'SET disconnectedAt = :at',
          ConditionExpression: 'attribute_exists(operatorId)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
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
