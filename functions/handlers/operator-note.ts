/** Route `operator.note`: an internal note on the caller's assigned conversation; answers `note.ack`. */

import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoNoteRepository } from '#adapters/dynamodb/note-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { addInternalNote } from '#domain/use-cases/add-internal-note.ts';
import { operatorNoteFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  notes: new DynamoNoteRepository(config.notesTable),
  clock: systemClock,
  ids: randomIds,
  retentionDays: config.messageRetentionDays,
};

export const handler = routeHandler(
  operatorNoteFrameSchema,
  async ({ frame, caller }) => {
    const ack = await addInternalNote(deps, {
      caller,
      conversationId: frame.conversationId,
      text: frame.text,
    });
    logger.info('note added', { conversationId: ack.conversationId, noteId: ack.noteId });
    return ack;
  },
  { presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
