/**
 * The bot worker's reads before it answers a job, as one BatchGetItem across four tables: the
 * citizen message, `bot#{messageId}`, the session and the conversation. They do not depend on each
 * other, and DynamoDB Local serves a GetItem in 2–5 ms, so four sequential reads were a third of the
 * worker's time. Every read is consistent, as the single reads were: `lastSeq` is the expected value
 * of the append that follows, and `bot#` decides whether the job was answered before.
 */
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { botReplyKey } from '#domain/idempotency.ts';
import type { BotJobContext, BotJobContextReader } from '#domain/ports.ts';
import { isExpired } from '#domain/retention.ts';
import type { BotJob } from '#events/bot-job.ts';
import { documentClient } from './document-client.ts';
import { botReplyItem, conversationItem, messageItem, sessionItem } from './item-schemas.ts';

export interface BotJobContextTables {
  sessionsTable: string;
  conversationsTable: string;
  messagesTable: string;
  idempotencyTable: string;
}

type Item = Record<string, unknown>;
type RequestItems = NonNullable<BatchGetCommandInput['RequestItems']>;

/** DynamoDB may leave keys unprocessed under throttling; they are asked for again, a bounded number of times. */
const MAX_ROUNDS = 5;
const UNPROCESSED_BACKOFF_MS = 20;

export class DynamoBotJobContextReader implements BotJobContextReader {
  constructor(private readonly tables: BotJobContextTables) {}

  async read(job: BotJob): Promise<BotJobContext> {
    const t = this.tables;
    const found = await batchGet({
      [t.messagesTable]: {
        Keys: [{ conversationId: job.conversationId, seq: job.seq }],
        ConsistentRead: true,
      },
      [t.idempotencyTable]: { Keys: [{ key: botReplyKey(job.messageId) }], ConsistentRead: true },
      [t.sessionsTable]: { Keys: [{ sessionId: job.sessionId }], ConsistentRead: true },
      [t.conversationsTable]: { Keys: [{ conversationId: job.conversationId }], ConsistentRead: true },
    });
    const now = new Date();
    // An item whose `expiresAt` has passed is absent (DynamoDB deletes it up to 48 h late).
    const live = (table: string): Item | undefined => {
      const item = found.get(table);
      return item && !isExpired(item as { expiresAt?: number }, now) ? item : undefined;
    };
    const citizen = live(t.messagesTable);
    const earlierReply = live(t.idempotencyTable);
    const session = live(t.sessionsTable);
    const conversation = live(t.conversationsTable);
    return {
      ...(citizen ? { citizen: messageItem.parse(citizen) } : {}),
      ...(earlierReply ? { earlierReply: botReplyItem.parse(earlierReply) } : {}),
      ...(session ? { session: sessionItem.parse(session) } : {}),
      ...(conversation ? { conversation: conversationItem.parse(conversation) } : {}),
    };
  }
}

/** One item per table (each request names one key per table), by table name. */
async function batchGet(request: RequestItems): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  let pending: RequestItems | undefined = request;
  for (let round = 1; pending && Object.keys(pending).length > 0; round++) {
    if (round > MAX_ROUNDS) throw new Error(`BatchGetItem left keys unprocessed ${MAX_ROUNDS} times`);
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, UNPROCESSED_BACKOFF_MS * round));
    const output: BatchGetCommandOutput = await documentClient.send(
      new BatchGetCommand({ RequestItems: pending }),
    );
    for (const [table, items] of Object.entries(output.Responses ?? {})) {
      const [item] = items;
      if (item) found.set(table, item);
    }
    pending = output.UnprocessedKeys;
  }
  return found;
}
