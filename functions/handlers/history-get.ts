/** Route `history.get`: the messages of the caller's conversation (a citizen's own, or one assigned to the calling operator) after `afterSeq` or the `cursor`, with `hasMore` and `nextCursor`. */

import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { HmacPagingCursors } from '#adapters/paging-cursors.ts';
import { cursorKey } from '#adapters/secret-keys.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { readHistory } from '#domain/use-cases/read-history.ts';
import { historyGetFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  messages: new DynamoMessageRepository(config.messagesTable),
  cursors: new HmacPagingCursors(cursorKey(config), systemClock),
  journal: new DynamoAccessJournal({
    accessJournalTable: config.accessJournalTable,
    retentionDays: config.journalRetentionDays,
  }),
  clock: systemClock,
  ids: randomIds,
};

export const handler = routeHandler(
  historyGetFrameSchema,
  async ({ frame, caller }) =>
    readHistory(deps, {
      caller,
      conversationId: frame.conversationId,
      afterSeq: frame.afterSeq,
      limit: frame.limit,
      ...(frame.cursor === undefined ? {} : { cursor: frame.cursor }),
    }),
  // A conversation may be the caller's by citizenId: a guest verified on this connection is resolved.
  {
    sessions: new DynamoSessionRepository(config.sessionsTable),
    presence: operatorPresence(),
    staff: staffConfirmation(),
    limits: sharedFrameLimits(),
  },
);
