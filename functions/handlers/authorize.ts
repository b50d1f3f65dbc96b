/**
 * `$connect` REQUEST authorizer. Admits guests, citizens resuming their session with a valid
 * resume token, and operators/seniors with a valid Cognito ID token of our pool; anything else is refused with `Unauthorized`, the one error message API Gateway
 * turns into HTTP 401 on the upgrade. A browser page from an origin not in `ALLOWED_ORIGINS`, and a
 * connect over the per-client limits (per source address, per resumed session), get a Deny policy
 * (HTTP 403). The token is never logged, nor anything derived from it, nor the address.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { CognitoOperatorVerifier } from '#adapters/cognito-verifier.ts';
import { DynamoRateCounter } from '#adapters/dynamodb/rate-counter.ts';
import { DynamoResumableSessions } from '#adapters/dynamodb/resumable-sessions.ts';
import { JwtResumeTokenSigner } from '#adapters/resume-token-signer.ts';
import { resumeTokenKey } from '#adapters/secret-keys.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { InstanceCounters } from '#domain/client-limits.ts';
import { authorizeConnection } from '#domain/use-cases/authorize-connection.ts';
import { clientLimits } from '#shared/client-limits.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';

const deps = {
  ids: randomIds,
  sessions: new DynamoResumableSessions(config.sessionsTable),
  clock: systemClock,
  signer: new JwtResumeTokenSigner(resumeTokenKey(config)),
  operators: new CognitoOperatorVerifier({
    userPoolId: config.cognitoUserPoolId,
    clientId: config.cognitoClientId,
    ...(config.cognitoJwksUrl === undefined ? {} : { jwksUrl: config.cognitoJwksUrl }),
  }),
  allowedOrigins: new Set(config.allowedOrigins),
  connectLimits: {
    limits: clientLimits(config),
    counter: new DynamoRateCounter(config.limitsTable),
    instance: new InstanceCounters(),
  },
};

/** A header by name, whatever its case (API Gateway passes them as the client spelled them). */
function headerOf(headers: APIGatewayRequestAuthorizerEvent['headers'], name: string): string | undefined {
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1] ?? undefined;
}

export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const query = event.queryStringParameters ?? {};
    const origin = headerOf(event.headers, 'origin');
    const sourceIp = event.requestContext.identity?.sourceIp;
    const decision = await authorizeConnection(deps, {
      ...(query.token === undefined || query.token === null ? {} : { token: query.token }),
      ...(query.lang ? { lang: query.lang } : {}),
      ...(origin === undefined ? {} : { origin }),
      ...(sourceIp ? { sourceIp } : {}),
    });
    if (
      !decision.admitted &&
      (decision.reason === 'origin_not_allowed' || decision.reason === 'too_many_connects')
    ) {
      logger.info('connection refused', { reason: decision.reason });
      return {
        principalId: 'refused',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }],
        },
      };
    }
    if (!decision.admitted) {
      logger.info('connection refused: token cannot be verified', { reason: decision.reason });
      throw new Error('Unauthorized');
    }
    return {
      principalId: decision.principalId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: decision.context,
    };
  });
