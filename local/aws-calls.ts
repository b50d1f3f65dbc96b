/**
 * Counts the AWS SDK calls the Lambda functions of a local stack make, by function and by service
 * and operation, with the read and write capacity units DynamoDB reports for each. Every SDK v3
 * client (DynamoDB and its DocumentClient, SQS, SNS, ApiGatewayManagementApi, …) extends the one
 * Smithy `Client`, so its `send` is wrapped once; a call made while a function's invocation runs (an
 * AsyncLocalStorage set around each `invoke` of the stack's functions) counts for that function, and
 * any other call (the local stack's own SQS and stream pollers, which Lambda's event source mappings
 * do in AWS, and a benchmark's checks) counts apart. A DocumentClient command is named by the
 * DynamoDB operation it sends (PutCommand → PutItem).
 *
 * Units: each DynamoDB data-plane request is sent with `ReturnConsumedCapacity: INDEXES`, which
 * changes nothing but the response (it adds `ConsumedCapacity`, which no function reads); DynamoDB
 * Local reports the units as DynamoDB would (the writes into every index the item is projected
 * into), but for a transaction with several items in one table, which is counted from its items
 * (local/item-size.ts: DynamoDB Local's figure is short). A write refused by its condition reports none (DynamoDB bills
 * it at least one unit): those are counted apart, as `refusedWrites`.
 *
 * An SQS `ReceiveMessage` that returned nothing is named `ReceiveMessage(empty)`: an idle poller's
 * long poll, a cost of time and not of messages.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename } from 'node:path';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { LocalFunction } from './functions.ts';
import { type TableSchemas, type TransactionUnits, transactionWriteUnits } from './item-size.ts';

/**
 * Calls counted: `function → "Service:Operation" → n`, a function named by its handler's file
 * (`escalation-consumer`); outside any invocation the function is `-`.
 */
export type CallCounts = Map<string, Map<string, number>>;

/** What one `Service:Operation` of one function cost: requests, and DynamoDB's capacity units. */
export interface Tally {
  calls: number;
  readUnits: number;
  writeUnits: number;
  /** Of the units, those of tables in the Infrequent Access class (priced apart: docs/cost.md). */
  infrequentAccessReadUnits: number;
  infrequentAccessWriteUnits: number;
  /** Conditional writes DynamoDB refused (no units reported; billed ≥ 1 write unit each). */
  refusedWrites: number;
  /**
   * Transactions whose units may be short: a table with several items, not all `Put`s or with
   * indexes whose schema was not given, kept at DynamoDB Local's own figure (local/item-size.ts).
   */
  estimatedWrites: number;
}

/** `function → "Service:Operation" → tally`, as {@link CallCounts}. */
export type Tallies = Map<string, Map<string, Tally>>;

/** The counts a local stack serves at `GET /local/aws-calls`. */
export interface AwsCallsReport {
  /** Invocations by function. */
  invocations: Record<string, number>;
  /** Invocations running now. */
  inFlight: number;
  /** Milliseconds since the last invocation ended (0 while one runs). */
  quietMs: number;
  /** `function → "Service:Operation" → tally`, `-` for calls outside any invocation. */
  calls: Record<string, Record<string, Tally>>;
  /** The tables of the Infrequent Access class, by name (their stored bytes are priced apart). */
  infrequentAccessTables: string[];
}

export const OUTSIDE = '-';
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
const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const DYNAMODB_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

interface Sendable {
  send(command: object, ...rest: unknown[]): Promise<unknown>;
  config?: { serviceId?: unknown };
}

interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
}

export class AwsCallCounter {
  /** `schemas`: the tables' keys and indexes, to count a transaction's index writes (local/item-size.ts). */
  constructor(readonly schemas: TableSchemas = new Map()) {}

  private readonly invocation = new AsyncLocalStorage<string>();
  private tallies: Tallies = new Map();
  private invocations = new Map<string, number>();
  private inFlight = 0;
  private lastSettledAt = performance.now();

  /**
   * Wraps `send` of every SDK client and `invoke` of each function (the pollers, the gateway and the
   * HTTP API call `fn.invoke` when they invoke it, so the wrapper is what they call).
   */
  install(functions: Iterable<LocalFunction>): void {
    const clientPrototype = Object.getPrototypeOf(DynamoDBClient.prototype) as Sendable;
    const send = clientPrototype.send;
    const counter = this;
    clientPrototype.send = function countedSend(this: Sendable, command: object, ...rest: unknown[]) {
      const service = serviceOf(this);
      const operation = operationOf(command);
      const owner = counter.invocation.getStore() ?? OUTSIDE;
      const input = (command as { input?: Record<string, unknown> }).input;
      const isRead = service === 'DynamoDB' && DYNAMODB_READS.has(operation);
      const isWrite = service === 'DynamoDB' && DYNAMODB_WRITES.has(operation);
      if ((isRead || isWrite) && input) input.ReturnConsumedCapacity ??= 'INDEXES';
      return send.call(this, command, ...rest).then(
        (output) => {
          const name =
            service === 'SQS' && operation === 'ReceiveMessage' && isEmptyReceive(output)
              ? 'ReceiveMessage(empty)'
              : operation;
          const tally = counter.tally(owner, `${service}:${name}`);
          tally.calls += 1;
          if (isRead) {
            tally.readUnits += capacityUnits(output);
            tally.infrequentAccessReadUnits += capacityUnits(output, counter.schemas);
          }
          if (isWrite) {
            const { units, infrequentAccessUnits, estimated } = writeUnits(
              command,
              operation,
              output,
              counter.schemas,
            );
            tally.writeUnits += units;
            tally.infrequentAccessWriteUnits += infrequentAccessUnits;
            if (estimated) tally.estimatedWrites += 1;
          }
          return output;
        },
        (error: unknown) => {
          const tally = counter.tally(owner, `${service}:${operation}`);
          tally.calls += 1;
          if (isWrite && isRefusedWrite(error)) tally.refusedWrites += 1;
          throw error;
        },
      );
    };
    for (const fn of functions) {
      const invoke = fn.invoke.bind(fn);
      const name = basename(fn.entry, '.ts');
      fn.invoke = (event) => {
        this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
        this.inFlight += 1;
        return this.invocation
          .run(name, () => invoke(event))
          .finally(() => {
            this.inFlight -= 1;
            this.lastSettledAt = performance.now();
          });
      };
    }
  }

  /** Starts counting afresh (after the set-up), and answers what was counted so far. */
  reset(): CallCounts {
    const previous = callsOf(this.tallies);
    this.tallies = new Map();
    this.invocations = new Map();
    return previous;
  }

  snapshot(): CallCounts {
    return callsOf(this.tallies);
  }

  /** Calls and units so far, by function and operation (a copy). */
  tallySnapshot(): Tallies {
    return new Map(
      [...this.tallies].map(([fn, ops]) => [fn, new Map([...ops].map(([op, t]) => [op, { ...t }]))]),
    );
  }

  /** Invocations so far by function, and how long the stack has run none (quiet), for a flow's end. */
  activity(): { invocations: Map<string, number>; inFlight: number; quietMs: number } {
    return {
      invocations: new Map(this.invocations),
      inFlight: this.inFlight,
      quietMs: this.inFlight > 0 ? 0 : performance.now() - this.lastSettledAt,
    };
  }

  /** What `GET /local/aws-calls` answers: {@link AwsCallsReport}. */
  report(): AwsCallsReport {
    const { invocations, inFlight, quietMs } = this.activity();
    return {
      invocations: Object.fromEntries(invocations),
      inFlight,
      quietMs: Math.round(quietMs),
      calls: talliesToJson(this.tallies),
      infrequentAccessTables: [...this.schemas]
        .filter(([, schema]) => schema.infrequentAccess)
        .map(([name]) => name),
    };
  }

  private tally(owner: string, operation: string): Tally {
    const ops = this.tallies.get(owner) ?? new Map<string, Tally>();
    this.tallies.set(owner, ops);
    const tally = ops.get(operation) ?? {
      calls: 0,
      readUnits: 0,
      writeUnits: 0,
      infrequentAccessReadUnits: 0,
      infrequentAccessWriteUnits: 0,
      refusedWrites: 0,
      estimatedWrites: 0,
    };
    ops.set(operation, tally);
    return tally;
  }
}

function callsOf(tallies: Tallies): CallCounts {
  return new Map([...tallies].map(([fn, ops]) => [fn, new Map([...ops].map(([op, t]) => [op, t.calls]))]));
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

/** Tallies as JSON (`function → operation → tally`), what the local stack serves and tools read. */
export function talliesToJson(tallies: Tallies): Record<string, Record<string, Tally>> {
  return Object.fromEntries(
    [...tallies].map(([fn, ops]) => [fn, Object.fromEntries([...ops].map(([op, t]) => [op, { ...t }]))]),
  );
}

function consumedCapacity(output: unknown): ConsumedCapacity[] {
  const consumed = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)
    ?.ConsumedCapacity;
  return Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
}

/** The units DynamoDB reported; given `infrequentAccessOf`, only those of its Infrequent Access tables. */
function capacityUnits(output: unknown, infrequentAccessOf?: TableSchemas): number {
  return consumedCapacity(output)
    .filter(
      (c) => !infrequentAccessOf || infrequentAccessOf.get(c.TableName ?? '')?.infrequentAccess === true,
    )
    .reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/**
 * A write's units: what DynamoDB Local reports, but a transaction's counted from its items where
 * DynamoDB Local's figure is short (local/item-size.ts).
 */
function writeUnits(
  command: object,
  operation: string,
  output: unknown,
  schemas: TableSchemas,
): TransactionUnits {
  if (operation !== 'TransactWriteItems')
    return {
      units: capacityUnits(output),
      infrequentAccessUnits: capacityUnits(output, schemas),
      estimated: false,
    };
  const input = (command as { input?: Parameters<typeof transactionWriteUnits>[0] }).input ?? {};
  // The client's own command carries AttributeValues; the DocumentClient's, plain values.
  const marshalled = command.constructor.name === 'TransactWriteItemsCommand';
  return transactionWriteUnits(input, marshalled, consumedCapacity(output), schemas);
}

function isEmptyReceive(output: unknown): boolean {
  return ((output as { Messages?: unknown[] } | undefined)?.Messages ?? []).length === 0;
}

function isRefusedWrite(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException;
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
