/**
 * The waiting line of each queue: ConversationsTable's index `byQueueLine` (sparse: only waiting
 * conversations carry `queue`, sorted by `queuedAt`), the `WaitingLine` port.
 */
import type { OperatorQueueName } from '#domain/operator-roster.ts';
import type { WaitingConversation, WaitingLine } from '#domain/ports/assignment.ts';
import { paginateQuery, QueryCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { waitingConversation } from './assignment-items.ts';
import { documentClient } from './document-client.ts';

const BY_QUEUE_INDEX = 'byQueueLine';

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
    return Items.map(waitingConversation);
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
