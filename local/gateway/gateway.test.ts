/**
 * The gateway's own rules, with small stand-in functions (the real handlers are exercised by
 * test/integration): the authorizer's verdicts on the upgrade, the idle and maximum connection
 * durations, and `$disconnect` with the close code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, UpgradeRefusedError } from '../../test/support/ws-client.ts';
import type { LocalFunction } from '../functions.ts';
import type { WebSocketApiSpec } from '../template.ts';
import { type Gateway, startGateway } from './gateway.ts';

type Invoke = (event: unknown) => Promise<unknown>;

function fn(logicalId: string, invoke: Invoke): LocalFunction {
  return { logicalId, name: logicalId, entry: 'test', initMs: 0, invoke };
}

const allow = (event: unknown) => {
  const { methodArn } = event as { methodArn: string };
  return Promise.resolve({
    principalId: 'p-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
    },
    context: { sessionId: 's-1', role: 'guest', lang: 'ru', verified: false, attempts: 2 },
  });
};

/** Waits for a condition the gateway makes true asynchronously (e.g. $disconnect having run). */
async function until(condition: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let gateway: Gateway | undefined;
afterEach(async () => gateway?.close());

async function start(options: {
  authorize?: Invoke;
  idleTimeoutSeconds?: number;
  maxConnectionSeconds?: number;
  disconnects?: unknown[];
}) {
  const api: WebSocketApiSpec = {
    apiId: 'local',
    stageName: 'v1',
    routeSelectionExpression: '$request.body.action',
    authorizerFunctionId: 'Authorize',
    routes: new Map([
      ['$connect', { routeKey: '$connect', functionId: 'Connect', returnResponse: false }],
      ['$disconnect', { routeKey: '$disconnect', functionId: 'Disconnect', returnResponse: false }],
      ['$default', { routeKey: '$default', functionId: 'Default', returnResponse: true }],
    ]),
  };
  const functions = new Map(
    [
      fn('Authorize', options.authorize ?? allow),
      fn('Connect', async () => ({ statusCode: 200 })),
      fn('Disconnect', async (event) => {
        options.disconnects?.push(event);
        return { statusCode: 200 };
      }),
      fn('Default', async () => ({ statusCode: 200, body: JSON.stringify({ type: 'echo' }) })),
    ].map((f) => [f.logicalId, f]),
  );
  gateway = await startGateway({
    api,
    functions,
    port: 0,
    host: '127.0.0.1',
    region: 'eu-central-1',
    accountId: '000000000000',
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? 600,
    maxConnectionSeconds: options.maxConnectionSeconds ?? 7200,
    log: () => undefined,
  });
  return `ws://127.0.0.1:${gateway.port}/`;
}

describe('the local gateway', () => {
  it('answers 401 when the authorizer throws Unauthorized, and 403 for a Deny policy', async () => {
    // Prepare
    const unauthorized = await start({ authorize: () => Promise.reject(new Error('Unauthorized')) });
    await expect(ChatClient.connect(unauthorized)).rejects.toEqual(new UpgradeRefusedError(401));
    await gateway?.close();
    const deny = await start({
      authorize: async (event) => {
        const policy = (await allow(event)) as { policyDocument: { Statement: { Effect: string }[] } };
        for (const statement of policy.policyDocument.Statement) statement.Effect = 'Deny';
        return policy;
      },
    });

    // Act
    const denied = ChatClient.connect(deny);

    // Assess
    await expect(denied).rejects.toEqual(new UpgradeRefusedError(403));
  });

  it('hands $disconnect the close code and the authorizer context, its values as strings', async () => {
    // Prepare
    const disconnects: unknown[] = [];
    const client = await ChatClient.connect(await start({ disconnects }));

    // Act
    await client.close();
    await until(() => disconnects.length > 0);

    // Assess
    expect(disconnects).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({
          routeKey: '$disconnect',
          eventType: 'DISCONNECT',
          disconnectStatusCode: 1000,
          // As API Gateway does: every context value arrives as a string.
          authorizer: {
            sessionId: 's-1',
            role: 'guest',
            lang: 'ru',
            verified: 'false',
            attempts: '2',
            principalId: 'p-1',
          },
        }),
      }),
    ]);
  });

  it('refuses the upgrade with 500 when the authorizer context holds an object, as API Gateway does', async () => {
    // Prepare
    const url = await start({
      authorize: async (event) => ({ ...((await allow(event)) as object), context: { nested: { a: 1 } } }),
    });

    // Act
    const attempt = ChatClient.connect(url);

    // Assess
    await expect(attempt).rejects.toEqual(new UpgradeRefusedError(500));
  });

  it('closes an idle connection with 1001 and tells $disconnect', async () => {
    // Prepare
    const disconnects: unknown[] = [];
    const client = await ChatClient.connect(await start({ idleTimeoutSeconds: 0.3, disconnects }));

    // Act
    const closed = await client.closed();
    await until(() => disconnects.length > 0);

    // Assess
    expect(closed.code).toBe(1001);
    expect(disconnects).toHaveLength(1);
  });

  it('keeps a connection that talks past the idle timeout, and still ends it at the maximum duration', async () => {
    // Prepare
    const client = await ChatClient.connect(
      await start({ idleTimeoutSeconds: 0.4, maxConnectionSeconds: 1.2 }),
    );
    const closed = client.closed();
    const started = Date.now();

    // Act: a frame every 200 ms keeps it from idling out
    const talking = setInterval(() => client.send({ action: 'ping' }), 200);
    const { code } = await closed;
    clearInterval(talking);

    // Assess
    expect(code).toBe(1001);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(client.frames.filter((f) => f.type === 'echo').length).toBeGreaterThan(2);
  });
});
