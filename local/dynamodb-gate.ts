/**
 * At most `LOCAL_DYNAMODB_CONCURRENCY` DynamoDB requests of the stack's functions in flight to
 * DynamoDB Local at once; the others wait their turn, in the order they were sent.
 *
 * Why (docs/local-stack.md, "DynamoDB Local's table locks"): DynamoDB Local locks whole tables, not
 * items. A write, and every table of a `TransactWriteItems`, takes the table's write lock; a read
 * takes its read lock; a transaction takes its tables' locks one after the other (in reverse order
 * of their names) and holds each until it commits. All the functions of the stack run in one
 * process and send whatever their invocations ask for, so under load fifty requests queue on the
 * same few locks inside DynamoDB Local, where a transaction holding a table that many readers need
 * (SessionsTable, locked first) while it waits for a busy one (MessagesTable) stalls those readers
 * for seconds. In AWS nothing of the kind happens (DynamoDB locks items), so a stack that let every
 * request through would measure the emulator's convoys, not the code. On this project's benchmark
 * (50 clients, closed loop) the gate at 12 lost no message in seven runs, where two of three runs
 * without it lost 4 and 7 first messages (no ack within 5 s), and spent no more CPU per message;
 * paced, the difference was within the machine's noise (docs/benchmarks.md, "Sixth pass").
 *
 * A request holds its place only while it is sent (one HTTP request, with the SDK's retries): no
 * request waits for another while holding one, so the gate cannot deadlock. DynamoDB Streams reads
 * (the stack's own stream pollers) and every other service pass ungated.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Runs at most `limit` tasks at once, the others in the order they came. */
export class RequestGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a gate admits at least 1, not ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running += 1;
    // Handed over by the task that ends: `running` stays as it was.
    else await new Promise<void>((admit) => this.waiting.push(admit));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

interface Sendable {
  send(command: object, ...rest: unknown[]): Promise<unknown>;
  config?: { serviceId?: unknown };
}

/**
 * Gates the `send` of every DynamoDB client of this process (the one Smithy `Client.send` that all
 * SDK v3 clients inherit, as local/aws-calls.ts counts them): the stack's functions, and whatever
 * else runs in the stack's process (a benchmark that starts the stack in its own). Returns what
 * lifts the gate: `send` is put back if nothing wrapped it since, and otherwise (a call counter
 * installed after the gate wraps it) the gate stays in place but lets every request through.
 */
export function gateDynamoDbRequests(limit: number): () => void {
  const gate = new RequestGate(limit);
  const clientPrototype = Object.getPrototypeOf(DynamoDBClient.prototype) as Sendable;
  const send = clientPrototype.send;
  let lifted = false;
  const gated = function gatedSend(this: Sendable, command: object, ...rest: unknown[]) {
    if (lifted || this.config?.serviceId !== 'DynamoDB') return send.call(this, command, ...rest);
    return gate.run(() => send.call(this, command, ...rest));
  };
  clientPrototype.send = gated;
  return () => {
    lifted = true;
    if (clientPrototype.send === gated) clientPrototype.send = send;
  };
}
