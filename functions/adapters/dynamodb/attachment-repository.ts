/**
 * Attachments on AttachmentsTable (`attachmentId`), and the hourly upload window of each
 * conversation on IdempotencyTable (`attachment-uploads#{conversationId}#{hourStart}` → count).
 * A pending attachment and its count are written in one transaction, each conditionally: a new
 * id, and a window below its limit. A verdict moves a pending attachment only.
 */
import type { Attachment } from '#domain/attachments.ts';
import type { AttachmentRepository, AttachmentUploadWindow } from '#domain/ports/attachments.ts';
import { isExpired } from '#domain/retention.ts';
import type { AttachmentRejection } from '#events/attachments.ts';
import { BatchGetCommand, GetCommand, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { attachmentItem } from './attachment-items.ts';
import { conditionally, documentClient } from './document-client.ts';
import { conditionFailedAt, transactWrite } from './transactions.ts';

export interface AttachmentTables {
  attachmentsTable: string;
  /** Only where attachments are created (the hourly windows live there). */
  idempotencyTable?: string;
}

export class DynamoAttachmentRepository implements AttachmentRepository {
  constructor(private readonly tables: AttachmentTables) {}

  async createPending(attachment: Attachment, window: AttachmentUploadWindow): Promise<boolean> {
    if (this.tables.idempotencyTable === undefined) throw new Error('createPending needs IdempotencyTable');
    const outcome = await transactWrite([
      {
        Update: {
          TableName: this.tables.idempotencyTable,
          Key: { key: `attachment-uploads#${window.conversationId}#${window.hourStart}` },
          UpdateExpression: 'ADD uploads :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(uploads) OR uploads < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': window.limit, ':expiresAt': window.expiresAt },
        },
      },
      {
        Put: {
          TableName: this.tables.attachmentsTable,
          Item: attachment,
          ConditionExpression: 'attribute_not_exists(attachmentId)',
        },
      },
    ]);
    if (outcome.status === 'committed') return true;
    if (conditionFailedAt(outcome, 0)) return false;
    throw new Error(`attachment not stored: ${outcome.status}`);
  }

  async get(attachmentId: string): Promise<Attachment | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: this.tables.attachmentsTable,
        Key: { attachmentId },
        ConsistentRead: true,
      }),
    );
    return this.live(Item);
  }

  async getMany(attachmentIds: readonly string[]): Promise<Attachment[]> {
    if (attachmentIds.length === 0) return [];
    const table = this.tables.attachmentsTable;
    const { Responses, UnprocessedKeys } = await documentClient.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: { Keys: attachmentIds.map((attachmentId) => ({ attachmentId })), ConsistentRead: true },
        },
      }),
    );
    // At most ten small items: DynamoDB leaves keys unprocessed only under throttling, and then the
    // sender retries the whole message.
    if (UnprocessedKeys && Object.keys(UnprocessedKeys).length > 0)
      throw new Error('attachments not all read');
    return (Responses?.[table] ?? []).flatMap((item) => this.live(item) ?? []);
  }

  async decide(
    attachmentId: string,
    verdict: { status: 'ready' } | { status: 'rejected'; reason: AttachmentRejection },
    decision: { decidedAt: string; etag?: string; versionId?: string },
  ): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tables.attachmentsTable,
          Key: { attachmentId },
          UpdateExpression: `SET #status = :status, decidedAt = :decidedAt${
            verdict.status === 'rejected' ? ', rejection = :reason' : ''
          }${decision.etag === undefined ? '' : ', etag = :etag'}${
            decision.versionId === undefined ? '' : ', versionId = :versionId'
          }`,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': verdict.status,
            ':decidedAt': decision.decidedAt,
            ':pending': 'pending',
            ...(verdict.status === 'rejected' ? { ':reason': verdict.reason } : {}),
            ...(decision.etag === undefined ? {} : { ':etag': decision.etag }),
            ...(decision.versionId === undefined ? {} : { ':versionId': decision.versionId }),
          },
        }),
      ),
    );
  }

  private live(item: Record<string, unknown> | undefined): Attachment | undefined {
    if (!item) return undefined;
    const attachment = attachmentItem.parse(item);
    return isExpired(attachment, new Date()) ? undefined : attachment;
  }
}
