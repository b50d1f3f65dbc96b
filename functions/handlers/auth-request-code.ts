/**
 * Route `auth.requestCode`: sends a one-time code to a phone (SMS) or e-mail and answers
 * `auth.codeSent` with the masked destination; a resent frame (same requestId) gets the same answer
 * and no second code. Never logs the destination or the code.
 */

import { DynamoIdentificationRepository } from '#adapters/dynamodb/identification-repository.ts';
import { DynamoOncePerKey } from '#adapters/dynamodb/once-per-key.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { HmacIdentityHasher } from '#adapters/identity-hasher.ts';
import { outOfBandNotifier } from '#adapters/notifier.ts';
import { citizenIdKey, codeHmacKey } from '#adapters/secret-keys.ts';
import { systemClock } from '#adapters/system.ts';
import { requestCode } from '#domain/use-cases/request-code.ts';
import { authRequestCodeFrameSchema } from '#events/identification.ts';
import { config } from '#shared/config.ts';
import { identificationPolicy } from '#shared/identification-policy.ts';
import { identificationMetrics, logger } from '#shared/observability.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  repository: new DynamoIdentificationRepository({
    verificationCodesTable: config.verificationCodesTable,
    sessionsTable: config.sessionsTable,
    // Never written by this route (only auth.verifyCode carries a conversation over).
    conversationsTable: 'unused',
  }),
  hasher: new HmacIdentityHasher({ codeKey: codeHmacKey(config), citizenKey: citizenIdKey(config) }),
  notifier: outOfBandNotifier({ localOutboxUrl: config.localOutboxUrl, emailFrom: config.authEmailFrom }),
  clock: systemClock,
  policy: identificationPolicy(config),
};
// One code per request (a resent frame is answered again, not sent again), remembered while the code lives.
const codeRequests = new DynamoOncePerKey({
  tableName: config.idempotencyTable,
  keyPrefix: 'code',
  expiresAfterSeconds: deps.policy.codeTtlSeconds,
});

export const handler = routeHandler(
  authRequestCodeFrameSchema,
  async ({ frame, caller }, _event, context) => {
    const sent = await requestCode({ ...deps, once: codeRequests.within(context) }, { caller, frame });
    identificationMetrics.codeSent(sent.channel);
    logger.info('one-time code sent', { sessionId: caller.sessionId, channel: sent.channel });
    return sent;
  },
  { metrics: true, limits: sharedFrameLimits() },
);
