/**
 * Counts the AWS SDK calls the Lambda functions of an in-process local stack make, by function and
 * by service and operation. Every SDK v3 client (DynamoDB and its DocumentClient, SQS, SNS,
 * ApiGatewayManagementApi, …) extends the one Smithy `Client`, so its `send` is wrapped once; a call
 * made while a function's invocation runs (an AsyncLocalStorage set around each `invoke` of the
 * stack's functions) counts for that function, and any other call (the local stack's own SQS and
 * stream pollers, which Lambda's event source mappings do in AWS, and the benchmark's checks) counts
 * apart. A DocumentClient command is named by the DynamoDB operation it sends (PutCommand → PutItem).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalFunction } from '../../local/functions.ts';

/**
 * Calls counted: `function → "Service:Operation" → n`, a function named by its handler's file
 * (`escalation-consumer`); outside any invocation the function is `-`.
 */
export type CallCounts = Map<string, Map<string, number>>;

const OUTSIDE = '-';
const DOCUMENT_COMMANDS: Record<string, string> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

interface Sendable {
  send(command: object, ...rest: unknown[]): Promise<unknown>;
  config?: { serviceId?: unknown };
}

export class AwsCallCounter {
  private readonly invocation = new AsyncLocalStorage<string>();
  private counts: CallCounts = new Map();

  /**
   * Wraps `send` of every SDK client and `invoke` of each function (the pollers, the gateway and the
   * HTTP API call `fn.invoke` when they invoke it, so the wrapper is what they call).
   */
  install(functions: Iterable<LocalFunction>): void {
    const clientPrototype = Object.getPrototypeOf(DynamoDBClient.prototype) as Sendable;
    const send = clientPrototype.send;
    const counter = this;
    clientPrototype.send = function countedSend(this: Sendable, command: object, ...rest: unknown[]) {
      counter.count(serviceOf(this), operationOf(command));
      return send.call(this, command, ...rest);
    };
    for (const fn of functions) {
      const invoke = fn.invoke.bind(fn);
      const name = basename(fn.entry, '.ts');
      fn.invoke = (event) => this.invocation.run(name, () => invoke(event));
    }
  }

  /** Starts counting afresh (after the set-up), and answers what was counted so far. */
  reset(): CallCounts {
    const previous = this.counts;
    this.counts = new Map();
    return previous;
  }

  snapshot(): CallCounts {
    return new Map([...this.counts].map(([fn, calls]) => [fn, new Map(calls)]));
  }

  private count(service: string, operation: string): void {
    const fn = this.invocation.getStore() ?? OUTSIDE;
    const calls = this.counts.get(fn) ?? new Map<string, number>();
    const key = `${service}:${operation}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    this.counts.set(fn, calls);
  }
}

/** The functions' calls only (what the handlers pay for), without the pollers' and the benchmark's. */
export function functionCalls(counts: CallCounts): CallCounts {
  return new Map([...counts].filter(([fn]) => fn !== OUTSIDE));
}

export function outsideCalls(counts: CallCounts): Map<string, number> {
  return counts.get(OUTSIDE) ?? new Map();
}

export function total(calls: Map<string, number>): number {
  return [...calls.values()].reduce((sum, n) => sum + n, 0);
}

/** Sums the calls of every function by "Service:Operation". */
export function byOperation(counts: CallCounts): Map<string, number> {
  const sums = new Map<string, number>();
  for (const calls of counts.values()) {
    for (const [operation, n] of calls) sums.set(operation, (sums.get(operation) ?? 0) + n);
  }
  return sums;
}

function serviceOf(client: Sendable): string {
  const id = client.config?.serviceId;
  if (typeof id === 'string' && id.length > 0) return id.replaceAll(' ', '');
  return client.constructor.name.replace(/(Document)?Client$/, '');
}

function operationOf(command: object): string {
  const name = command.constructor.name.replace(/Command$/, '');
  return DOCUMENT_COMMANDS[name] ?? name;
}
