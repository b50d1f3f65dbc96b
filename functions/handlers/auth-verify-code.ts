/**
 * Route `auth.verifyCode`: checks the one-time code of the session; on success the session is
 * verified, its open conversation carried over to the citizen, the portal tickets filed under the
 * proven contact become the citizen's, and the answer `auth.verified` holds the citizen id and a
 * fresh resume token; the session's other connections are closed (they reconnect with the new
 * token). A question the guest was asked to identify for is queued for the bot again, and answered
 * (functions/domain/use-cases/queue-pending-question.ts). Never logs the code or the token.
 */
import { SessionCitizenDirectory } from '#adapters/assignment-tickets.ts';
import { SqsBotJobQueue } from '#adapters/bot-job-queue.ts';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoIdentificationRepository } from '#adapters/dynamodb/identification-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { HmacCodeHashes } from '#adapters/identity-hasher.ts';
import { JwtResumeTokenSigner } from '#adapters/resume-token-signer.ts';
import { codeHmacKey, resumeTokenKey } from '#adapters/secret-keys.ts';
import { systemClock } from '#adapters/system.ts';
import { randomResumeTokenSource } from '#domain/resume-tokens.ts';
import { claimContactTickets } from '#domain/use-cases/claim-contact-tickets.ts';
import { queuePendingQuestion } from '#domain/use-cases/queue-pending-question.ts';
import { tellDeskCitizenVerified } from '#domain/use-cases/tell-desk-citizen-verified.ts';
import { verifyCode } from '#domain/use-cases/verify-code.ts';
import { authVerifyCodeFrameSchema } from '#events/identification.ts';
import { config } from '#shared/config.ts';
import { identificationPolicy } from '#shared/identification-policy.ts';
import { identificationMetrics, logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const notifier = new ApiGatewayConnectionNotifier({
  endpoint: config.wsConnectionsEndpoint,
  timeoutMs: config.postTimeoutMs,
});

const deps = {
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier,
  closer: notifier,
  repository: new DynamoIdentificationRepository({
    verificationCodesTable: config.verificationCodesTable,
    sessionsTable: config.sessionsTable,
    conversationsTable: config.conversationsTable,
  }),
  hasher: new HmacCodeHashes(codeHmacKey(config)),
  signer: new JwtResumeTokenSigner(resumeTokenKey(config)),
  clock: systemClock,
  policy: identificationPolicy(config),
  tokenPolicy: {
    ttlSeconds: config.resumeTokenTtlSeconds,
    graceSeconds: config.resumeTokenGraceSeconds,
  },
  tokenSource: randomResumeTokenSource,
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  sessions: new DynamoSessionRepository(config.sessionsTable),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  botJobs: new SqsBotJobQueue(config.botQueueUrl),
};
// The card the operator holding the conversation sees (conversation.assigned's `citizen`).
const citizens = new SessionCitizenDirectory(deps.sessions, deps.tickets);

export const handler = routeHandler(
  authVerifyCodeFrameSchema,
  async ({ frame, caller, connectionId }) => {
    const verified = await verifyCode(deps, { caller, frame, connectionId });
    identificationMetrics.verified();
    // After the commit: a failure here leaves the tickets under the contact until the next proof.
    const claimedTickets = await claimContactTickets(deps, verified.citizenId).catch((error: unknown) => {
      logger.error('portal tickets of the contact not claimed', { error });
      return 0;
    });
    // After the commit too: a failure leaves the question unanswered (the citizen asks again).
    const pendingQuestion = await queuePendingQuestion(deps, caller.sessionId).catch((error: unknown) => {
      logger.error('pending question not queued', { error });
      return 'lost' as const;
    });
    // After the claim: the card shows the portal tickets now the citizen's. A failure leaves the old
    // card until the next conversation.assigned.
    const operatorConnectionsTold = await tellDeskCitizenVerified(
      { ...deps, citizens },
      caller.sessionId,
    ).catch((error: unknown) => {
      logger.error('the operator was not told the citizen identified', { error });
      return 0;
    });
    logger.info('session verified', {
      sessionId: caller.sessionId,
      claimedTickets,
      pendingQuestion,
      operatorConnectionsTold,
    });
    return verified;
  },
  { metrics: true, limits: sharedFrameLimits() },
);
