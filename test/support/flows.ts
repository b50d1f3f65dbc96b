/**
 * The flows whose AWS calls are counted (`npm run bench`, `npm run cost`, the request budgets of
 * test/budgets.test.ts), driven one after the other on a local stack started with
 * {@link COUNTING_STACK_ENV} (local/aws-calls.ts). Each flow starts from counts reset to zero and
 * ends when its last frame has arrived and the stack has run nothing for {@link QUIET_MS} (the
 * stream pollers read every 250 ms, the bot outbox's batching window is 1 s, the line tick's
 * period is 1 s). Within a flow, each step waits
 * for the same rest before the next, so no two steps share a batch of a stream or a queue: the
 * counts are the same run after run (what the budgets need), and each is what one step costs when
 * steps come seconds apart, as a person's do.
 *
 * - `botTurn`: a citizen message in a conversation already with the bot, and the bot's answer.
 * - `botConversation`: a whole conversation with the bot: connect, `hello`, {@link BOT_QUESTIONS}
 *   questions answered, disconnect.
 * - `escalatedConversation`: connect, `hello`, a question, `operator.request` (the intake skipped),
 *   queued and assigned to an operator already online, accepted, {@link DESK_EXCHANGES} operator
 *   replies each answered by the citizen, the ticket completed, disconnect. The operator's own
 *   sign-in, connection and status are a shift's, not the conversation's: outside the count.
 * - `operatorReply`: one `operator.reply` delivered to the citizen's connection.
 * - `citizenToOperator`: one citizen message delivered to the operator who holds the conversation.
 *
 * Counted apart from the functions' calls: the SQS requests of the local event source mappings
 * (a `ReceiveMessage` that returned messages, `DeleteMessageBatch`), which Lambda makes and SQS bills
 * in AWS, and the DynamoDB Streams reads, which Lambda makes for free. WebSocket messages are the
 * frames the flow's clients sent and received (API Gateway bills each).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import type { AwsCallsReport, Tally } from '../../local/aws-calls.ts';
import { createAndSignIn } from './operator-sign-in.ts';
import { StoredBytes } from './stored-bytes.ts';
import { ChatClient, type Frame } from './ws-client.ts';

export const FLOW_NAMES = [
  'botTurn',
  'botConversation',
  'escalatedConversation',
  'operatorReply',
  'citizenToOperator',
] as const;
export type FlowName = (typeof FLOW_NAMES)[number];

/** Questions of a bot-only conversation (the cost model's "six questions"). */
export const BOT_QUESTIONS = 6;
/** Operator replies, each answered by the citizen, in an escalated conversation. */
export const DESK_EXCHANGES = 3;
const QUIET_MS = 2500;
const CLOSE_GRACE_MS = 500;
const FLOW_TIMEOUT_MS = 30_000;
/** The timers of an escalation (SLA, accept, first reply), shortened so a flow can wait for them. */
const TIMER_SECONDS = 15;

/**
 * The environment of a stack whose flows are counted: every call counted; the line tick every
 * second and the escalation's timers due after {@link TIMER_SECONDS}, so that the escalated
 * conversation sees them all fire (it waits for them) and no other flow does; the scheduled
 * reconciler and SLA report not running (they are counted by their own schedules, not per flow).
 */
export const COUNTING_STACK_ENV: Record<string, string> = {
  LOCAL_COUNT_AWS_CALLS: 'true',
  LINE_TICK_SECONDS: '1',
  SLA_ASSIGN_SECONDS: String(TIMER_SECONDS),
  ACCEPT_SECONDS: String(TIMER_SECONDS),
  FIRST_REPLY_SECONDS: String(TIMER_SECONDS),
  RECONCILE_SECONDS: '86400',
  SLA_REPORT_PERIOD_SECONDS: '86400',
};

/** Questions the knowledge base answers (no escalation), as the benchmark asks them. */
const QUESTIONS = [
  'забыл пароль от госуслуг',
  'как узнать статус заявления',
  'до скольки работает МФЦ',
  'номер горячей линии',
  'что взять с собой в МФЦ',
  'как получить выписку',
];

/** What one flow cost, counted. */
export interface FlowFigures {
  /** Lambda invocations, all functions. */
  invocations: number;
  invocationsByFunction: Record<string, number>;
  dynamodb: {
    /** Read requests (GetItem, BatchGetItem, Query, Scan, TransactGetItems). */
    reads: number;
    /** Write requests (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems). */
    writes: number;
    /** Read capacity units DynamoDB reported (consistent reads: 1 per 4 KB read). */
    readUnits: number;
    /** Write capacity units DynamoDB reported (1 per KB written, twice in a transaction, indexes included). */
    writeUnits: number;
    /** Of {@link readUnits} and {@link writeUnits}, those of the Infrequent Access tables (priced apart). */
    infrequentAccessReadUnits: number;
    infrequentAccessWriteUnits: number;
    /** Conditional writes refused (each billed ≥ 1 write unit, not in `writeUnits`). */
    refusedWrites: number;
    /** Transactions whose units could not be counted from their items (local/item-size.ts): 0 expected. */
    estimatedWrites: number;
  };
  /** SQS requests: the functions' sends, and the event source mappings' receives and deletes. */
  sqs: number;
  /** `@connections` PostToConnection (and other API Gateway management) requests. */
  connectionsApi: number;
  /** WebSocket frames the flow's clients sent and received (API Gateway messages). */
  websocketMessages: number;
  /** SNS and SES requests (push, SMS, e-mail). */
  notifications: number;
  /** `Service:Operation → calls`, every function and the event source mappings, streams included. */
  operations: Record<string, number>;
  /**
   * What a whole conversation keeps in DynamoDB at its end, in billed bytes (test/support/stored-bytes.ts):
   * messages, conversation, session, ticket, with their index copies; 0 for the other flows.
   */
  storedBytes: number;
  /** Of {@link storedBytes}, those in the Infrequent Access tables (the messages). */
  storedBytesInfrequentAccess: number;
}

const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

const talliesSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      calls: z.number(),
      readUnits: z.number(),
      writeUnits: z.number(),
      infrequentAccessReadUnits: z.number(),
      infrequentAccessWriteUnits: z.number(),
      refusedWrites: z.number(),
      estimatedWrites: z.number(),
    }),
  ),
);
const reportSchema = z.object({
  invocations: z.record(z.string(), z.number()),
  inFlight: z.number(),
  quietMs: z.number(),
  calls: talliesSchema,
  infrequentAccessTables: z.array(z.string()),
}) satisfies z.ZodType<AwsCallsReport>;

/** A local stack started with `LOCAL_COUNT_AWS_CALLS=true`. */
export interface CountingStack {
  httpUrl: string;
  wsUrl: string;
  /** Its functions' environment (DynamoDB endpoint, table names): to weigh what conversations keep. */
  functionEnv: Record<string, string>;
}

/** Sums a flow's counts into {@link FlowFigures}. */
export function figuresOf(report: AwsCallsReport, websocketMessages: number): FlowFigures {
  const figures: FlowFigures = {
    invocations: Object.values(report.invocations).reduce((a, b) => a + b, 0),
    invocationsByFunction: report.invocations,
    dynamodb: {
      reads: 0,
      writes: 0,
      readUnits: 0,
      writeUnits: 0,
      infrequentAccessReadUnits: 0,
      infrequentAccessWriteUnits: 0,
      refusedWrites: 0,
      estimatedWrites: 0,
    },
    sqs: 0,
    connectionsApi: 0,
    websocketMessages,
    notifications: 0,
    operations: {},
    storedBytes: 0,
    storedBytesInfrequentAccess: 0,
  };
  for (const ops of Object.values(report.calls)) {
    for (const [name, tally] of Object.entries(ops) as [string, Tally][]) {
      const [service, operation = ''] = name.split(':');
      figures.operations[name] = (figures.operations[name] ?? 0) + tally.calls;
      if (service === 'DynamoDB') {
        if (DYNAMODB_READS.has(operation)) figures.dynamodb.reads += tally.calls;
        else figures.dynamodb.writes += tally.calls;
        figures.dynamodb.readUnits += tally.readUnits;
        figures.dynamodb.writeUnits += tally.writeUnits;
        figures.dynamodb.infrequentAccessReadUnits += tally.infrequentAccessReadUnits;
        figures.dynamodb.infrequentAccessWriteUnits += tally.infrequentAccessWriteUnits;
        figures.dynamodb.refusedWrites += tally.refusedWrites;
        figures.dynamodb.estimatedWrites += tally.estimatedWrites;
      } else if (service === 'SQS' && operation !== 'ReceiveMessage(empty)') figures.sqs += tally.calls;
      else if (service === 'ApiGatewayManagementApi') figures.connectionsApi += tally.calls;
      else if (service === 'SNS' || service === 'SESv2') figures.notifications += tally.calls;
    }
  }
  return figures;
}

class FlowCounter {
  private frames = 0;
  private readonly clients = new Set<ChatClient>();

  constructor(private readonly stack: CountingStack) {}

  /** Counts this client's frames (sent and received) from now on. */
  watch(client: ChatClient): ChatClient {
    this.clients.add(client);
    client.socket.on('message', () => this.count());
    const send = client.send.bind(client);
    client.send = (frame) => {
      this.count();
      send(frame);
    };
    return client;
  }

  async start(): Promise<void> {
    await this.quiet();
    const response = await fetch(`${this.stack.httpUrl}/local/aws-calls`, { method: 'DELETE' });
    if (response.status !== 204) {
      throw new Error(`DELETE /local/aws-calls: ${response.status} (is LOCAL_COUNT_AWS_CALLS on?)`);
    }
    this.frames = 0;
    this.counting = true;
  }

  /** The stack's tables of the Infrequent Access class (what their stored bytes are priced by). */
  async infrequentAccessTables(): Promise<ReadonlySet<string>> {
    const response = await fetch(`${this.stack.httpUrl}/local/aws-calls`);
    return new Set(reportSchema.parse(await response.json()).infrequentAccessTables);
  }

  /** Waits until the stack has come to rest (between the steps of a flow). */
  async settle(): Promise<void> {
    await this.quiet();
  }

  async finish(): Promise<FlowFigures> {
    // A closed connection's `$disconnect` is invoked after the close: give it time to begin.
    await delay(CLOSE_GRACE_MS);
    const report = await this.quiet();
    this.counting = false;
    return figuresOf(report, this.frames);
  }

  private counting = false;

  private count(): void {
    if (this.counting) this.frames += 1;
  }

  private async quiet(): Promise<AwsCallsReport> {
    const deadline = Date.now() + FLOW_TIMEOUT_MS;
    for (;;) {
      const response = await fetch(`${this.stack.httpUrl}/local/aws-calls`);
      const report = reportSchema.parse(await response.json());
      if (report.inFlight === 0 && report.quietMs >= QUIET_MS) return report;
      if (Date.now() > deadline) throw new Error('the stack did not come to rest');
      await delay(Math.max(50, QUIET_MS - report.quietMs));
    }
  }
}

const isBotAnswer = (f: Frame) => f.type === 'message' && f.from === 'bot';

/** Sends a message and waits for its ack and for the frame `answered` matches (the answer). */
async function ask(
  client: ChatClient,
  text: string,
  answered: (f: Frame) => boolean,
): Promise<{ ack: Frame; answer: Frame }> {
  const answer = client.waitFor(answered, FLOW_TIMEOUT_MS);
  answer.catch(() => undefined);
  const ack = await client.request({ action: 'message.send', clientMessageId: randomUUID(), text }, 10_000);
  if (ack.type !== 'message.ack') throw new Error(`message.send answered ${JSON.stringify(ack)}`);
  return { ack, answer: await answer };
}

/** Sends a message and waits for its ack only (a conversation with an operator: no bot answer). */
async function say(client: ChatClient, text: string): Promise<void> {
  const ack = await client.request({ action: 'message.send', clientMessageId: randomUUID(), text }, 10_000);
  if (ack.type !== 'message.ack') throw new Error(`message.send answered ${JSON.stringify(ack)}`);
}

async function citizen(counter: FlowCounter, wsUrl: string): Promise<ChatClient & { sessionId: string }> {
  const client = counter.watch(await ChatClient.connect(wsUrl, { lang: 'ru' }));
  const welcome = await client.request({ action: 'hello' });
  if (welcome.type !== 'welcome') throw new Error(`hello answered ${JSON.stringify(welcome)}`);
  return Object.assign(client, { sessionId: String(welcome.sessionId) });
}

/** Drives every flow of {@link FLOW_NAMES} once on `stack`, one after the other, and counts each. */
export async function measureFlows(stack: CountingStack): Promise<Record<FlowName, FlowFigures>> {
  const counter = new FlowCounter(stack);
  const stored = new StoredBytes(stack.functionEnv, await counter.infrequentAccessTables());
  const signed = await createAndSignIn(stack.httpUrl, `flows-${randomUUID().slice(0, 8)}`, ['operator']);
  const operator = counter.watch(
    await ChatClient.connect(stack.wsUrl, { token: signed.idToken, lang: 'ru' }),
  );
  const opened: ChatClient[] = [operator];
  try {
    const online = await operator.request({
      action: 'operator.status',
      status: 'online',
      skills: ['general', 'auth', 'applications', 'documents', 'legal', 'mfc'],
      maxChats: 5,
    });
    if (online.type !== 'operator.state')
      throw new Error(`operator.status answered ${JSON.stringify(online)}`);

    // A whole conversation with the bot.
    await counter.start();
    const botOnly = await citizen(counter, stack.wsUrl);
    let botConversationId = '';
    for (const question of QUESTIONS.slice(0, BOT_QUESTIONS)) {
      botConversationId = String((await ask(botOnly, question, isBotAnswer)).ack.conversationId);
      await counter.settle();
    }
    await botOnly.close();
    const botConversation = {
      ...(await counter.finish()),
      ...(await stored.ofConversation(botConversationId, botOnly.sessionId)),
    };

    // One more turn in a conversation already with the bot.
    const regular = await citizen(counter, stack.wsUrl);
    opened.push(regular);
    await ask(regular, QUESTIONS[0] ?? '', isBotAnswer);
    await counter.start();
    await ask(regular, QUESTIONS[1] ?? '', isBotAnswer);
    const botTurn = await counter.finish();

    // An escalated conversation, from the citizen's connection to the completed ticket.
    await counter.start();
    const escalating = await citizen(counter, stack.wsUrl);
    const { ack } = await ask(escalating, 'не могу войти в личный кабинет', isBotAnswer);
    await counter.settle();
    const conversationId = String(ack.conversationId);
    const assigned = operator.waitFor(
      (f) =>
        f.type === 'conversation.assigned' &&
        (f.conversation as { conversationId?: unknown } | undefined)?.conversationId === conversationId,
      FLOW_TIMEOUT_MS,
    );
    assigned.catch(() => undefined);
    const requested = await escalating.request({ action: 'operator.request', reason: 'не приходит код' });
    if (requested.state === 'bot') {
      await ask(
        escalating,
        'пропустить всё',
        (f) => f.type === 'conversation.updated' && f.state === 'queued',
      );
    }
    const assignedFrame = await assigned;
    const ticketId = (assignedFrame.ticket as { ticketId?: unknown } | null)?.ticketId;
    const accepted = await operator.request({ action: 'conversation.accept', conversationId });
    if (accepted.type !== 'conversation.accepted')
      throw new Error(`accept answered ${JSON.stringify(accepted)}`);
    const timersDue = Date.now() + (TIMER_SECONDS + 1) * 1000;
    await counter.settle();
    const exchange = async (n: number) => {
      const delivered = escalating.waitFor(
        (f) => f.type === 'message' && f.from === 'operator' && f.text === `ответ ${n}`,
        FLOW_TIMEOUT_MS,
      );
      const replied = await operator.request({
        action: 'operator.reply',
        conversationId,
        clientMessageId: randomUUID(),
        text: `ответ ${n}`,
      });
      if (replied.type !== 'message.ack')
        throw new Error(`operator.reply answered ${JSON.stringify(replied)}`);
      await delivered;
    };
    const answerToOperator = (n: number) => {
      const relayed = operator.waitFor(
        (f) => f.type === 'message' && f.from === 'citizen' && f.text === `спасибо ${n}`,
        FLOW_TIMEOUT_MS,
      );
      relayed.catch(() => undefined);
      return say(escalating, `спасибо ${n}`).then(() => relayed);
    };
    for (let n = 1; n <= DESK_EXCHANGES; n++) {
      await exchange(n);
      await counter.settle();
      await answerToOperator(n);
      await counter.settle();
    }
    if (typeof ticketId !== 'string') throw new Error('conversation.assigned without a ticket');
    const completed = await operator.request({ action: 'ticket.setStatus', ticketId, status: 'completed' });
    if (completed.type !== 'ticket.updated')
      throw new Error(`ticket.setStatus answered ${JSON.stringify(completed)}`);
    await escalating.close();
    // The SLA, accept and first-reply timers fire (and find nothing to do) within the flow.
    await delay(Math.max(0, timersDue - Date.now()));
    const escalatedConversation = {
      ...(await counter.finish()),
      ...(await stored.ofConversation(conversationId, escalating.sessionId, ticketId)),
    };

    // One operator reply, and one citizen message to the operator, in a conversation held.
    const held = await citizen(counter, stack.wsUrl);
    opened.push(held);
    const heldAck = (await ask(held, 'не могу войти в личный кабинет', isBotAnswer)).ack;
    const heldId = String(heldAck.conversationId);
    const heldAssigned = operator.waitFor(
      (f) =>
        f.type === 'conversation.assigned' &&
        (f.conversation as { conversationId?: unknown } | undefined)?.conversationId === heldId,
      FLOW_TIMEOUT_MS,
    );
    heldAssigned.catch(() => undefined);
    const heldRequested = await held.request({ action: 'operator.request', reason: 'не приходит код' });
    if (heldRequested.state === 'bot') {
      await ask(held, 'пропустить всё', (f) => f.type === 'conversation.updated' && f.state === 'queued');
    }
    await heldAssigned;
    await operator.request({ action: 'conversation.accept', conversationId: heldId });
    await counter.start();
    const delivered = held.waitFor((f) => f.type === 'message' && f.from === 'operator', FLOW_TIMEOUT_MS);
    const reply = await operator.request({
      action: 'operator.reply',
      conversationId: heldId,
      clientMessageId: randomUUID(),
      text: 'здравствуйте, смотрю',
    });
    if (reply.type !== 'message.ack') throw new Error(`operator.reply answered ${JSON.stringify(reply)}`);
    await delivered;
    const operatorReply = await counter.finish();

    await counter.start();
    const relayed = operator.waitFor(
      (f) => f.type === 'message' && f.from === 'citizen' && f.conversationId === heldId,
      FLOW_TIMEOUT_MS,
    );
    relayed.catch(() => undefined);
    await say(held, 'спасибо, жду');
    await relayed;
    const citizenToOperator = await counter.finish();

    return { botTurn, botConversation, escalatedConversation, operatorReply, citizenToOperator };
  } finally {
    await Promise.allSettled(opened.map((c) => c.close()));
    stored.destroy();
  }
}
