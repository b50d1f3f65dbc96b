/**
 * `message.send`'s first read: the session (whose `openConversationId` says where the message goes)
 * and, when the caller can guess that id, the conversation itself, both consistent, in one
 * BatchGetItem. The session stays the authority: a wrong guess only costs the read it meant to save.
 */
import type { SessionTarget, SessionTargetReader } from '#domain/ports/sessions.ts';
import { batchGetOnePerTable, liveItem } from './batch-get.ts';
import { conversationItem, sessionItem } from './item-schemas.ts';

export interface SessionTargetTables {
  sessionsTable: string;
  conversationsTable: string;
}

export class DynamoSessionTargetReader implements SessionTargetReader {
  constructor(private readonly tables: SessionTargetTables) {}

  async read(sessionId: string, guessedConversationId: string | undefined): Promise<SessionTarget> {
    const { sessionsTable, conversationsTable } = this.tables;
    const found = await batchGetOnePerTable({
      [sessionsTable]: { Keys: [{ sessionId }], ConsistentRead: true },
      ...(guessedConversationId === undefined
        ? {}
        : {
            [conversationsTable]: { Keys: [{ conversationId: guessedConversationId }], ConsistentRead: true },
          }),
    });
    const now = new Date();
    const session = liveItem(found, sessionsTable, now);
    const conversation = liveItem(found, conversationsTable, now);
    return {
      ...(session ? { session: sessionItem.parse(session) } : {}),
      ...(conversation ? { conversation: conversationItem.parse(conversation) } : {}),
    };
  }
}
