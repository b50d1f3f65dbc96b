/**
 * The gate in front of DynamoDB Local (local/dynamodb-gate.ts): never more than its limit in flight,
 * the others in the order they came, every request answered; other services pass ungated. The SDK
 * clients are real and send real HTTP requests, to a server here that holds each request a moment
 * and counts how many it holds at once (what DynamoDB Local would see).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateDynamoDbRequests, RequestGate } from './dynamodb-gate.ts';
import { LOCAL_CREDENTIALS } from './emulators.ts';

const HOLD_MS = 30;

let server: Server;
let endpoint: string;
let holding = 0;
let mostHeld = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    holding += 1;
    mostHeld = Math.max(mostHeld, holding);
    request.resume();
    setTimeout(() => {
      holding -= 1;
      // An empty answer: GetItem of an absent item, no streams, no queue attributes.
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    }, HOLD_MS);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

function clientOptions() {
  return { endpoint, region: 'eu-central-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
}

async function twentyGetItems(client: DynamoDBClient): Promise<void> {
  mostHeld = 0;
  const gets = Array.from({ length: 20 }, (_, i) =>
    client.send(new GetItemCommand({ TableName: 'Sessions', Key: { sessionId: { S: `s${i}` } } })),
  );
  const answers = await Promise.all(gets);
  expect(answers.every((a) => a.Item === undefined)).toBe(true);
}

describe('the gate in front of DynamoDB Local', () => {
  it('runs at most its limit at once, the others in the order they came', async () => {
    // Prepare
    const gate = new RequestGate(2);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const task = (i: number) => async () => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return i;
    };

    // Act
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => gate.run(task(i))));

    // Assess
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('gives its place to the next one when a task fails', async () => {
    const gate = new RequestGate(1);
    const failed = gate.run(async () => {
      throw new Error('refused');
    });
    const next = gate.run(async () => 'answered');
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('answered');
  });

  it('refuses a limit below one', () => {
    expect(() => new RequestGate(0)).toThrow(/at least 1/);
  });

  it("holds DynamoDB requests to the limit burst after burst (the functions' DocumentClient too), and lets streams and other services through", async () => {
    // Prepare
    const dynamodb = new DynamoDBClient(clientOptions());
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions()));
    const streams = new DynamoDBStreamsClient(clientOptions());
    const sqs = new SQSClient(clientOptions());
    await twentyGetItems(dynamodb);
    const ungated = mostHeld;

    // Act
    const ungate = gateDynamoDbRequests(3);
    const held: Record<string, number> = {};
    try {
      await twentyGetItems(dynamodb);
      held.first = mostHeld;
      await twentyGetItems(dynamodb);
      held.second = mostHeld;
      mostHeld = 0;
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          documents.send(new GetCommand({ TableName: 'Sessions', Key: { sessionId: `d${i}` } })),
        ),
      );
      held.documents = mostHeld;
      mostHeld = 0;
      await Promise.all(Array.from({ length: 10 }, () => streams.send(new ListStreamsCommand({}))));
      held.streams = mostHeld;
      mostHeld = 0;
      await Promise.all(
        Array.from({ length: 10 }, () =>
          sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${endpoint}/q` })),
        ),
      );
      held.sqs = mostHeld;
    } finally {
      ungate();
    }
    await twentyGetItems(dynamodb);
    held.lifted = mostHeld;

    // Assess
    expect(ungated).toBeGreaterThan(3);
    expect(held).toMatchObject({ first: 3, second: 3, documents: 3 });
    expect(held.streams).toBeGreaterThan(3);
    expect(held.sqs).toBeGreaterThan(3);
    expect(held.lifted).toBeGreaterThan(3);
  });

  it('lets every request through once lifted, even when something wrapped `send` after it', async () => {
    // Prepare: a wrapper installed after the gate, as the call counter is (local/aws-calls.ts).
    const dynamodb = new DynamoDBClient(clientOptions());
    const prototype = Object.getPrototypeOf(DynamoDBClient.prototype) as {
      send: (...args: unknown[]) => unknown;
    };
    const original = prototype.send;
    const ungate = gateDynamoDbRequests(2);
    const gated = prototype.send;
    prototype.send = function wrapped(this: unknown, ...args: unknown[]) {
      return gated.apply(this, args);
    };
    try {
      // Act
      ungate();
      await twentyGetItems(dynamodb);

      // Assess
      expect(mostHeld).toBeGreaterThan(2);
    } finally {
      prototype.send = original;
    }
  });
});
