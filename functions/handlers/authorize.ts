/**
 * `$connect` REQUEST authorizer. Admits guests; any token is refused with `Unauthorized`, the one
 * error message API Gateway turns into HTTP 401 on the upgrade.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { randomIds } from '#adapters/system.ts';
import { authorizeConnection } from '#domain/use-cases/authorize-connection.ts';
import { logger } from '#shared/observability.ts';

export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const query = event.queryStringParameters ?? {};
    const decision = authorizeConnection(
      { ids: randomIds },
      {
        ...(query.token === undefined || query.token === null ? {} : { token: query.token }),
        ...(query.lang ? { lang: query.lang } : {}),
      },
    );
    if (!decision.admitted) {
      logger.info('connection refused: token cannot be verified');
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
