/**
 * The bot worker's reads before it answers a job, as one BatchGetItem across four tables: the
 * citizen message, `bot#{messageId}` (`…#identified` for a job after identification), the session
 * and the conversation. A message stored together with its answer (`message.send`'s own turn) has
 * no `bot#` key: the message itself holds its reply's place. They do not depend on each
 * other, and DynamoDB Local serves a GetItem in 2–5 ms, so four sequential reads were a third of the
 * worker's time. Every read is consistent, as the single reads were: `lastSeq` is the expected value
 * of the append that follows, and `bot#` decides whether the job was answered before.
 */
import { botJobReplyKey } from '#domain/idempotency.ts';
import type { BotJobContext, BotJobContextReader } from '#domain/ports/bot.ts';
import type { BotJob } from '#events/bot-job.ts';
import { batchGetOnePerTable, liveItem } from './batch-get.ts';
import { replyOf } from './conversation-log.ts';
import { botReplyItem, conversationItem, sessionItem } from './item-schemas.ts';
import { fromMessageItem } from './message-body.ts';

export interface BotJobContextTables {
  sessionsTable: string;
  conversationsTable: string;
  messagesTable: string;
  idempotencyTable: string;
}

export class DynamoBotJobContextReader implements BotJobContextReader {
  constructor(private readonly tables: BotJobContextTables) {}

  async read(job: BotJob): Promise<BotJobContext> {
    const t = this.tables;
    const found = await batchGetOnePerTable({
      [t.messagesTable]: {
        Keys: [{ conversationId: job.conversationId, seq: job.seq }],
        ConsistentRead: true,
      },
      [t.idempotencyTable]: { Keys: [{ key: botJobReplyKey(job) }], ConsistentRead: true },
      [t.sessionsTable]: { Keys: [{ sessionId: job.sessionId }], ConsistentRead: true },
      [t.conversationsTable]: { Keys: [{ conversationId: job.conversationId }], ConsistentRead: true },
    });
    const now = new Date();
    const live = (table: string) => liveItem(found, table, now);
    const citizen = live(t.messagesTable);
    const replyKey = live(t.idempotencyTable);
    const message = citizen ? fromMessageItem(citizen) : undefined;
    // A message stored with its answer holds its place; an answer after identification has a key.
    const onMessage = !replyKey && !job.afterIdentification && message ? replyOf(message) : undefined;
    const session = live(t.sessionsTable);
    const conversation = live(t.conversationsTable);
    return {
      ...(message ? { citizen: message } : {}),
      ...(replyKey ? { earlierReply: botReplyItem.parse(replyKey) } : {}),
      ...(onMessage ? { earlierReply: onMessage, replyOnMessage: true as const } : {}),
      ...(session ? { session: sessionItem.parse(session) } : {}),
      ...(conversation ? { conversation: conversationItem.parse(conversation) } : {}),
    };
  }
}
