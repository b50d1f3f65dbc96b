/**
 * Route `hello`: answers `welcome` with the session, its language, its open conversation and a
 * fresh resume token.
 */

import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoResumableSessions } from '#adapters/dynamodb/resumable-sessions.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { JwtResumeTokenSigner } from '#adapters/resume-token-signer.ts';
import { resumeTokenKey } from '#adapters/secret-keys.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { systemClock } from '#adapters/system.ts';
import { randomResumeTokenSource } from '#domain/resume-tokens.ts';
import { greetSession } from '#domain/use-cases/greet-session.ts';
import { helloFrameSchema } from '#events/client-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  sessions: new DynamoResumableSessions(config.sessionsTable),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  clock: systemClock,
  tokenSource: randomResumeTokenSource,
  tokenPolicy: {
    ttlSeconds: config.resumeTokenTtlSeconds,
    graceSeconds: config.resumeTokenGraceSeconds,
  },
  signer: new JwtResumeTokenSigner(resumeTokenKey(config)),
};

export const handler = routeHandler(
  helloFrameSchema,
  async ({ caller, connectionId }) => greetSession(deps, caller, connectionId),
  {
    presence: operatorPresence(),
    staff: staffConfirmation(),
    limits: sharedFrameLimits(),
  },
);
