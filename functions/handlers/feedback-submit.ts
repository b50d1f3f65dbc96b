/**
 * Route `feedback.submit`: the citizen rates their completed ticket (1–5 and a comment), once;
 * answered `feedback.ack`. Records the rating as the `CSAT` metric. The comment is never logged.
 */

import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { systemClock } from '#adapters/system.ts';
import { submitFeedback } from '#domain/use-cases/submit-feedback.ts';
import { feedbackSubmitFrameSchema } from '#events/tickets.ts';
import { config } from '#shared/config.ts';
import { logger, recordCsat } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
  clock: systemClock,
};

// A guest verified on this connection is resolved to the citizen from its session (the policy's
// resolveCitizen), which this route reads.
const sessionResolution = { sessions: new DynamoSessionRepository(config.sessionsTable) };

export const handler = routeHandler(
  feedbackSubmitFrameSchema,
  async ({ frame, caller }) => {
    const { frame: ack, ticket } = await submitFeedback(deps, caller, {
      ...(frame.conversationId === undefined ? {} : { conversationId: frame.conversationId }),
      ...(frame.ticketId === undefined ? {} : { ticketId: frame.ticketId }),
      rating: frame.rating,
      ...(frame.comment === undefined ? {} : { comment: frame.comment }),
    });
    recordCsat({ rating: ack.rating, category: ticket.category });
    logger.info('feedback recorded', { ticketId: ack.ticketId, rating: ack.rating });
    return ack;
  },
  { metrics: true, ...sessionResolution, limits: sharedFrameLimits() },
);
