/** Route `operator.note`: an internal note on the caller's assigned conversation; answers `note.ack`. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoNoteRepository } from '#adapters/dynamodb/note-repository.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { addInternalNote } from '#domain/use-cases/add-internal-note.ts';
import { operatorNoteFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { frameRoute } from '#shared/websocket/frame-route.ts';
import type { RouteResponse, WebSocketRouteEvent } from '#shared/websocket/route-event.ts';

const deps = {
  conversations: new DynamoConversationRepository(config.conversationsTable),
  notes: new DynamoNoteRepository(config.notesTable),
  clock: systemClock,
  ids: randomIds,
  retentionDays: config.messageRetentionDays,
};
const route = frameRoute(operatorNoteFrameSchema);

export const handler = middy<WebSocketRouteEvent, RouteResponse>()
  .use(injectLambdaContext(logger))
  .use(route.middleware)
  .handler(async (event) => {
    const { frame, caller } = route.input(event);
    const ack = await addInternalNote(deps, {
      caller,
      conversationId: frame.conversationId,
      text: frame.text,
    });
    logger.info('note added', { conversationId: ack.conversationId, noteId: ack.noteId });
    return route.answer(event, ack);
  });
