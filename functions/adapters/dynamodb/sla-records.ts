/**
 * The SLA records in DynamoDB (SlaTable, docs/architecture.md "Data model"): one partition per clock
 * hour (`hour` = `YYYY-MM-DDTHH`, UTC), sorted by `record`:
 *
 * - `breach#<conversationId>#<entryId>`: an SLA timer found that entry still waiting, written in the
 *   same transaction as the breach stamped on the conversation (so it is recorded exactly once);
 * - `assigned#<conversationId>#<entryId>`: an operator took that entry (written when it is
 *   announced; a repeat writes the same item);
 * - `report`: the hour's report, written once.
 *
 * Items expire with the messages (MESSAGE_RETENTION_DAYS). Ids, queues, times and ticket numbers
 * only: nothing a citizen wrote.
 */
import type { Conversation } from '#domain/conversations.ts';
import type { BreachOutcome, SlaRecords, StoredSlaReport } from '#domain/ports/sla.ts';
import { hourKey, type SlaAssignmentRecord, type SlaBreachRecord, type SlaReport } from '#domain/sla.ts';
import * as z from '#events/zod.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { GetCommand, PutCommand, paginateQuery, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { conditionally, documentClient } from './document-client.ts';
import { conversationItem } from './item-schemas.ts';
import { conditionFailedAt, transactWrite } from './transactions.ts';

export interface SlaTables {
  slaTable: string;
  /** Needed to record breaches (stamped on the conversation); the report only reads SlaTable. */
  conversationsTable?: string;
  /** Days the records and reports are kept (the messages' retention). */
  retentionDays: number;
}

const REPORT = 'report';
const HOUR_MS = 60 * 60 * 1000;

/** Tries of a breach that keeps meeting concurrent transactions on its conversation. */
const MAX_BREACH_ATTEMPTS = 3;

const breachRecord = z.object({
  conversationId: z.string(),
  entryId: z.string(),
  queue: z.string(),
  ticketNumber: z.optional(z.string()),
  queuedAt: z.string(),
  breachedAt: z.string(),
}) satisfies z.ZodMiniType<SlaBreachRecord>;

const assignmentRecord = z.object({
  conversationId: z.string(),
  entryId: z.string(),
  queue: z.string(),
  ticketNumber: z.optional(z.string()),
  queuedAt: z.string(),
  assignedAt: z.string(),
  breached: z.boolean(),
  operatorId: z.optional(z.string()),
}) satisfies z.ZodMiniType<SlaAssignmentRecord>;

const reportItem = z.object({
  hour: z.string(),
  from: z.string(),
  to: z.string(),
  slaAssignSeconds: z.number(),
  onTime: z.int().check(z.gte(0)),
  breaches: z.int().check(z.gte(0)),
  assignedAfterBreach: z.int().check(z.gte(0)),
  compliancePercent: z.number().check(z.gte(0), z.lte(100)),
  breachList: z.array(
    z.object({
      ticketNumber: z.optional(z.string()),
      conversationId: z.string(),
      queue: z.string(),
      queuedAt: z.string(),
      breachedAt: z.string(),
    }),
  ),
  generatedAt: z.string(),
  publishedAt: z.optional(z.string()),
}) satisfies z.ZodMiniType<StoredSlaReport>;

const recordKey = (kind: 'breach' | 'assigned', conversationId: string, entryId: string) =>
  `${kind}#${conversationId}#${entryId}`;

export class DynamoSlaRecords implements SlaRecords {
  constructor(private readonly tables: SlaTables) {}

  async recordBreach(waiting: Conversation, breachedAt: Date, attempt = 1): Promise<BreachOutcome> {
    const conversationsTable = this.tables.conversationsTable;
    if (!conversationsTable) throw new Error('recording a breach needs the conversations table');
    const { conversationId, queue, queueEntryId: entryId, queuedAt } = waiting;
    if (waiting.state !== 'queued' || !queue || !entryId || !queuedAt) return { status: 'stale' };
    const at = breachedAt.toISOString();
    const record: SlaBreachRecord = {
      conversationId,
      entryId,
      queue,
      ...(waiting.ticketNumber ? { ticketNumber: waiting.ticketNumber } : {}),
      queuedAt,
      breachedAt: at,
    };
    const outcome = await transactWrite([
      {
        Update: {
          TableName: conversationsTable,
          Key: { conversationId },
          UpdateExpression: 'SET slaBreachedAt = :at, slaBreachedEntryId = :entryId',
          ConditionExpression:
            '#state = :queued AND #queue = :queue AND queueEntryId = :entryId AND (attribute_not_exists(slaBreachedEntryId) OR slaBreachedEntryId <> :entryId)',
          ExpressionAttributeNames: { '#state': 'state', '#queue': 'queue' },
          ExpressionAttributeValues: { ':at': at, ':entryId': entryId, ':queued': 'queued', ':queue': queue },
        },
      },
      {
        Put: {
          TableName: this.tables.slaTable,
          Item: {
            hour: hourKey(breachedAt),
            record: recordKey('breach', conversationId, entryId),
            ...record,
            expiresAt: this.expiresAt(breachedAt),
          },
          ConditionExpression: 'attribute_not_exists(#record)',
          ExpressionAttributeNames: { '#record': 'record' },
        },
      },
    ]);
    if (outcome.status === 'contended') {
      // A concurrent transaction on the conversation: read again and decide again.
      if (attempt >= MAX_BREACH_ATTEMPTS)
        throw new Error('recording an SLA breach kept meeting other transactions');
      const current = await this.conversation(conversationsTable, conversationId);
      if (current?.state !== 'queued' || current.queueEntryId !== entryId) return { status: 'stale' };
      return this.recordBreach(current, breachedAt, attempt + 1);
    }
    if (outcome.status === 'conditions_failed') {
      // Either this entry's breach is recorded already, or the conversation left the entry.
      if (conditionFailedAt(outcome, 1)) return { status: 'already' };
      const current = await this.conversation(conversationsTable, conversationId);
      return current?.slaBreachedEntryId === entryId ? { status: 'already' } : { status: 'stale' };
    }
    return {
      status: 'breached',
      conversation: { ...waiting, slaBreachedAt: at, slaBreachedEntryId: entryId },
    };
  }

  async markBreachCounted(conversationId: string, entryId: string): Promise<boolean> {
    const conversationsTable = this.tables.conversationsTable;
    if (!conversationsTable) throw new Error('counting a breach needs the conversations table');
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: conversationsTable,
          Key: { conversationId },
          UpdateExpression: 'SET slaBreachCountedEntryId = :entryId',
          ConditionExpression:
            'slaBreachedEntryId = :entryId AND (attribute_not_exists(slaBreachCountedEntryId) OR slaBreachCountedEntryId <> :entryId)',
          ExpressionAttributeValues: { ':entryId': entryId },
        }),
      ),
    );
  }

  async recordAssignment(record: SlaAssignmentRecord): Promise<void> {
    const at = new Date(record.assignedAt);
    await documentClient.send(
      new PutCommand({
        TableName: this.tables.slaTable,
        Item: {
          hour: hourKey(at),
          record: recordKey('assigned', record.conversationId, record.entryId),
          ...assignmentRecord.parse(record),
          expiresAt: this.expiresAt(at),
        },
      }),
    );
  }

  async recordsOf(
    hour: string,
  ): Promise<{ breaches: SlaBreachRecord[]; assignments: SlaAssignmentRecord[] }> {
    const breaches: SlaBreachRecord[] = [];
    const assignments: SlaAssignmentRecord[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.tables.slaTable,
        KeyConditionExpression: '#hour = :hour',
        ExpressionAttributeNames: { '#hour': 'hour' },
        ExpressionAttributeValues: { ':hour': hour },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const key = String(item.record);
        if (key.startsWith('breach#')) breaches.push(breachRecord.parse(item));
        else if (key.startsWith('assigned#')) assignments.push(assignmentRecord.parse(item));
      }
    }
    return { breaches, assignments };
  }

  /**
   * The assignments of one conversation between two instants: one query per clock hour (the
   * table's partitions), each reading only that conversation's `assigned#` records. For the audit
   * export, whose conversations span hours, not months.
   */
  async assignmentsOf(conversationId: string, from: Date, to: Date): Promise<SlaAssignmentRecord[]> {
    const hours: string[] = [];
    for (let at = new Date(`${hourKey(from)}:00:00.000Z`); at <= to; at = new Date(at.getTime() + HOUR_MS)) {
      hours.push(hourKey(at));
    }
    const found: SlaAssignmentRecord[] = [];
    for (const hour of hours) {
      const pages = paginateQuery(
        { client: documentClient },
        {
          TableName: this.tables.slaTable,
          KeyConditionExpression: '#hour = :hour AND begins_with(#record, :prefix)',
          ExpressionAttributeNames: { '#hour': 'hour', '#record': 'record' },
          ExpressionAttributeValues: { ':hour': hour, ':prefix': `assigned#${conversationId}#` },
          ConsistentRead: true,
        },
      );
      for await (const page of pages)
        for (const item of page.Items ?? []) found.push(assignmentRecord.parse(item));
    }
    return found.sort((a, b) => (a.assignedAt < b.assignedAt ? -1 : a.assignedAt > b.assignedAt ? 1 : 0));
  }

  async report(hour: string): Promise<StoredSlaReport | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: this.tables.slaTable,
        Key: { hour, record: REPORT },
        ConsistentRead: true,
      }),
    );
    return Item ? reportItem.parse(Item) : undefined;
  }

  async saveReport(report: SlaReport): Promise<StoredSlaReport> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: this.tables.slaTable,
          Item: {
            ...reportItem.parse(report),
            record: REPORT,
            expiresAt: this.expiresAt(new Date(report.from)),
          },
          ConditionExpression: 'attribute_not_exists(#record)',
          ExpressionAttributeNames: { '#record': 'record' },
        }),
      );
      return report;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = await this.report(report.hour);
      if (!stored) throw new Error(`the SLA report of ${report.hour} was there and is gone`);
      return stored;
    }
  }

  async markPublished(hour: string, at: Date): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tables.slaTable,
          Key: { hour, record: REPORT },
          UpdateExpression: 'SET publishedAt = :at',
          ConditionExpression: 'attribute_exists(#record) AND attribute_not_exists(publishedAt)',
          ExpressionAttributeNames: { '#record': 'record' },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      ),
    );
  }

  private expiresAt(from: Date): number {
    return Math.floor(from.getTime() / 1000) + this.tables.retentionDays * 86_400;
  }

  private async conversation(table: string, conversationId: string): Promise<Conversation | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { conversationId },
        ConsistentRead: true,
      }),
    );
    return Item ? conversationItem.parse(Item) : undefined;
  }
}
