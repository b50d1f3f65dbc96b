/**
 * The access journal in AccessJournalTable: one partition per UTC day (`day` = `YYYY-MM-DD`),
 * sorted by `entryKey` = `{at}#{entryId}`, so a period reads as one query per day, oldest first.
 * Each entry expires after the journal retention (JOURNAL_RETENTION_DAYS). Ids only, never a
 * phone, an e-mail or a text (functions/domain/access-journal.ts).
 */
import { type AccessJournal, JOURNAL_ACTIONS, type JournalEntry } from '#domain/access-journal.ts';
import { expiresAfterDays } from '#domain/retention.ts';
import * as z from '#events/zod.ts';
import { PutCommand, paginateQuery } from '#shared/aws-sdk/lib-dynamodb.ts';
import { conditionally, documentClient } from './document-client.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const entryItem = z.object({
  entryId: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.enum(['operator', 'senior', 'platform']), id: z.string() }),
  action: z.enum(JOURNAL_ACTIONS),
  subject: z.object({
    conversationId: z.optional(z.string()),
    ticketId: z.optional(z.string()),
    ticketNumber: z.optional(z.string()),
    ticketIds: z.optional(z.array(z.string())),
    ticketNumbers: z.optional(z.array(z.string())),
    attachmentId: z.optional(z.string()),
    exportId: z.optional(z.string()),
    erasureId: z.optional(z.string()),
    scope: z.optional(z.string()),
  }),
  reason: z.optional(z.string()),
}) satisfies z.ZodMiniType<JournalEntry>;

export interface AccessJournalSettings {
  accessJournalTable: string;
  /** Days an entry is kept. */
  retentionDays: number;
}

export class DynamoAccessJournal implements AccessJournal {
  constructor(private readonly settings: AccessJournalSettings) {}

  async record(entry: JournalEntry): Promise<void> {
    const at = new Date(entry.at);
    // An entry is written once: a retried write of the same id changes nothing.
    await conditionally(() =>
      documentClient.send(
        new PutCommand({
          TableName: this.settings.accessJournalTable,
          Item: {
            day: entry.at.slice(0, 10),
            entryKey: `${entry.at}#${entry.entryId}`,
            ...entryItem.parse(entry),
            expiresAt: expiresAfterDays(at, this.settings.retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(entryKey)',
        }),
      ),
    );
  }

  async between(from: Date, to: Date): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    const start = new Date(`${from.toISOString().slice(0, 10)}T00:00:00.000Z`);
    for (let day = start; day < to; day = new Date(day.getTime() + DAY_MS)) {
      const pages = paginateQuery(
        { client: documentClient },
        {
          TableName: this.settings.accessJournalTable,
          KeyConditionExpression: '#day = :day AND entryKey BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: {
            ':day': day.toISOString().slice(0, 10),
            ':from': from.toISOString(),
            // `{at}#…` sorts after `{at}`: every entry before `to` is below `to` itself.
            ':to': to.toISOString(),
          },
          ConsistentRead: true,
        },
      );
      for await (const page of pages)
        for (const item of page.Items ?? []) entries.push(entryItem.parse(item));
    }
    return entries.filter((e) => e.at < to.toISOString());
  }
}
