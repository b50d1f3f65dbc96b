/**
 * `npm run bench:dispatch`: operators online and conversations arriving on the local stack, started
 * in this process so that every AWS SDK call of its functions is counted (local/aws-calls.ts).
 *
 * Operators are created in the local Cognito, sign in, connect, go online (skill `general`, room for
 * `--max-chats`) and do what an attentive console does: answer `conversation.assigned` with
 * `conversation.accept` at once, hold the conversation for a while (`--hold-ms`, ±50 %), then set its
 * ticket `completed`, which frees the slot (sent once more after an `INTERNAL`, as its message asks;
 * counted and reported); `operator.heartbeat` every 15 s. An accept refused (the
 * offer was taken back) drops the conversation, as the console does, and is a problem of the run. A
 * frame that arrives after its `acceptBy` is an offer that expired in transit (the conversation went
 * back to its queue before the stack delivered it): not accepted and not an assignment, reported
 * apart; the backend sets that operator away for the miss, and they go back online 2 s later, as
 * the console asks them to (any other `away` from the backend is a problem). Citizens arrive paced at
 * `--rate` per second (0: all at once, a burst), each a new WebSocket connection that asks for a
 * person with `operator.request` and a reason (the escalation path of the widget's button).
 *
 * Checked: every conversation assigned exactly once (one `conversation.assigned` frame received within
 * its window over all operators, and the conversation item names that operator), nobody over `--max-chats` (from the
 * frames, and OperatorsTable sampled every second), every slot free at the end. Reported: the time
 * to assign them all, the wait from `operator.request` to `conversation.assigned` (p50/p99), the
 * time from the assignment's commit to its frame and from the frame to the accept's answer, the delay
 * of this process's event loop (everything runs on it: how far behind the stack is), and the AWS
 * calls per assignment, by service and operation, by function, and by both.
 *
 * Flags (or environment): --operators (DISPATCH_OPERATORS, 100), --conversations
 * (DISPATCH_CONVERSATIONS, 1000), --max-chats (DISPATCH_MAX_CHATS, 5), --rate
 * (DISPATCH_RATE, 5 per second), --hold-ms (DISPATCH_HOLD_MS, 3000), --timeout-s (DISPATCH_TIMEOUT_S: the
 * arrivals' span plus 150 s). Five a second keeps the calls (~80–100 per assignment) within what
 * DynamoDB Local did on two cores in the yardsticks; `--rate 25` is the saturation run
 * (docs/benchmarks.md: the default passed on a quiet machine, load 2, on 2026-12-03; under load 6–10
 * it failed on route timeouts only).
 * DISPATCH_LOG_LEVEL (SILENT): the functions' log level (their JSON lines go to stdout with the report).
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  AwsCallCounter,
  byOperation,
  type CallCounts,
  functionCalls,
  outsideCalls,
  total,
} from '../../local/aws-calls.ts';
import { readLocalConfig } from '../../local/config.ts';
import { startLocalStack } from '../../local/stack.ts';
import { PER_ADDRESS_LIMITS_LIFTED } from '../support/local-stack.ts';
import { createAndSignIn } from '../support/operator-sign-in.ts';
import { ChatClient, type Frame } from '../support/ws-client.ts';

const { values: flags } = parseArgs({
  options: {
    operators: { type: 'string' },
    conversations: { type: 'string' },
    'max-chats': { type: 'string' },
    rate: { type: 'string' },
    'hold-ms': { type: 'string' },
    'timeout-s': { type: 'string' },
  },
});
const settings = z
  .object({
    operators: z.coerce.number().int().positive().default(100),
    conversations: z.coerce.number().int().positive().default(1000),
    maxChats: z.coerce.number().int().min(1).max(20).default(5),
    rate: z.coerce.number().min(0).default(5),
    holdMs: z.coerce.number().min(0).default(3000),
    timeoutS: z.coerce.number().positive().optional(),
  })
  .parse({
    operators: flags.operators ?? process.env.DISPATCH_OPERATORS,
    conversations: flags.conversations ?? process.env.DISPATCH_CONVERSATIONS,
    maxChats: flags['max-chats'] ?? process.env.DISPATCH_MAX_CHATS,
    rate: flags.rate ?? process.env.DISPATCH_RATE,
    holdMs: flags['hold-ms'] ?? process.env.DISPATCH_HOLD_MS,
    timeoutS: flags['timeout-s'] ?? process.env.DISPATCH_TIMEOUT_S,
  });
/** The arrivals' span plus 150 s for the last of them to be assigned and completed, unless given. */
const timeoutS = settings.timeoutS ?? (settings.rate > 0 ? settings.conversations / settings.rate : 0) + 150;

const HEARTBEAT_MS = 15_000;
/** An operator set away by a missed offer switches back to online after this long (the console asks them to). */
const BACK_ONLINE_MS = 2_000;
/** The citizen's connection, `operator.request`, the intake skipped (and the bot's turn on it), and leaving. */
const ARRIVAL_FUNCTIONS = [
  'authorize',
  'connect',
  'operator-request',
  'message-send',
  'bot-outbox',
  'bot-worker',
  'disconnect',
];
const SIGN_IN_CONCURRENCY = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Assignment {
  operator: string;
  at: number;
  /** The assignment's commit, as its frame says: a frame repeating it is the same assignment. */
  assignedAt: string;
}

/** What the run saw, shared by the operators' and the citizens' callbacks. */
class Ledger {
  readonly requestedAt = new Map<string, number>();
  readonly assignments = new Map<string, Assignment[]>();
  readonly completed = new Set<string>();
  readonly problems: string[] = [];
  overCapacityFrames = 0;
  maxHeldSeen = 0;
  maxActiveChatsInTable = 0;
  lastAssignedAt = 0;
  /** From the assignment's commit (`assignedAt`) to its frame at the operator, ms. */
  readonly frameLags: number[] = [];
  /** From the frame to the answer of its `conversation.accept`, ms. */
  readonly acceptTimes: number[] = [];

  /**
   * Frames that repeated an assignment already seen (same operator, same `assignedAt`): the
   * announcement made again (the reconciler's, after a step it found unfinished; a reconnect), which
   * docs/protocol.md allows — the console treats it as the offer it already has, so does this one.
   */
  reannounced = 0;

  /**
   * Offers that reached their operator after their `acceptBy` (docs/protocol.md, "Accepting an
   * assignment"): the conversation had gone back to its queue before the frame arrived. Not
   * accepted, not counted as an assignment (the console's accept would be refused); each says the
   * stack delivered a frame later than the window, and its operator is set away by the miss.
   */
  readonly expiredInTransit: number[] = [];
  /** Operators whose offer expired in transit, by sub: the backend sets them away, as designed. */
  readonly missedUnseen = new Map<string, number>();
  /** Operators set away by the backend, and those of them back online at once, as the console asks. */
  setAway = 0;
  /** `ticket.setStatus` answered INTERNAL (the route's timeout on a loaded stack) and sent again. */
  completionRetries = 0;

  /** Records the frame; undefined when it repeats an assignment already recorded. */
  assigned(conversationId: string, operator: string, assignedAt: string): number | undefined {
    const list = this.assignments.get(conversationId) ?? [];
    if (list.some((a) => a.operator === operator && a.assignedAt === assignedAt)) {
      this.reannounced += 1;
      return undefined;
    }
    list.push({ operator, at: performance.now(), assignedAt });
    this.assignments.set(conversationId, list);
    this.lastAssignedAt = performance.now();
    return list.length;
  }
}

/** One operator's console: accept, hold, work the ticket to `completed`, heartbeat. */
async function runOperator(
  wsUrl: string,
  httpUrl: string,
  index: number,
  ledger: Ledger,
  describe: (conversationId: string) => Promise<string>,
) {
  const username = `bench-${index}-${randomUUID().slice(0, 6)}`;
  const signed = await createAndSignIn(httpUrl, username, ['operator']);
  const client = await ChatClient.connect(wsUrl, { token: signed.idToken, lang: 'ru' });
  const online = await client.request(
    { action: 'operator.status', status: 'online', skills: ['general'], maxChats: settings.maxChats },
    30_000,
  );
  if (online.type !== 'operator.state') throw new Error(`operator.status: ${JSON.stringify(online)}`);
  let held = 0;
  const work = async (frame: Frame) => {
    const receivedAt = Date.now();
    const view = frame.conversation as { conversationId: string; assignedAt: string; acceptBy?: string };
    const conversationId = String(view.conversationId);
    if (view.acceptBy !== undefined && receivedAt > Date.parse(view.acceptBy)) {
      // The offer expired in transit: the stack runs in this process, one clock for both.
      ledger.expiredInTransit.push(receivedAt - Date.parse(view.acceptBy));
      ledger.missedUnseen.set(signed.sub, (ledger.missedUnseen.get(signed.sub) ?? 0) + 1);
      return;
    }
    const ticketId = (frame.ticket as { ticketId?: string } | null)?.ticketId;
    const earlier = (ledger.assignments.get(conversationId) ?? []).map(
      (a) => `${a.operator.slice(0, 8)}@${a.assignedAt.slice(11, 23)}`,
    );
    const times = ledger.assigned(conversationId, signed.sub, view.assignedAt);
    if (times === undefined) return;
    held += 1;
    ledger.maxHeldSeen = Math.max(ledger.maxHeldSeen, held);
    if (held > settings.maxChats) ledger.overCapacityFrames += 1;
    // The stack runs in this process: one clock for the assignment's commit and the frame.
    const frameLag = receivedAt - Date.parse(view.assignedAt);
    ledger.frameLags.push(frameLag);
    if (times > 1)
      ledger.problems.push(
        `${conversationId} assigned again (${times} times): before ${earlier.join(', ')}, now ${signed.sub.slice(0, 8)}@${view.assignedAt.slice(11, 23)}`,
      );
    // As the console does: accept at once; an accept refused (given back meanwhile) drops it.
    const accepted = await client.request({ action: 'conversation.accept', conversationId }, 30_000);
    const acceptMs = Date.now() - receivedAt;
    ledger.acceptTimes.push(acceptMs);
    if (accepted.type !== 'conversation.accepted') {
      held -= 1;
      ledger.problems.push(
        `accept of ${conversationId} refused ${String(accepted.code)}: the frame came ${frameLag} ms after the assignment, the answer ${acceptMs} ms after the frame; now ${await describe(conversationId)}`,
      );
      return;
    }
    await sleep(settings.holdMs * (0.5 + Math.random()));
    if (!ticketId) throw new Error(`conversation.assigned without a ticket: ${conversationId}`);
    // Accepting put the ticket `in_progress`. The slot is counted free from the moment `completed`
    // is sent: the server cannot free it sooner, so a frame that finds more than maxChats held is a
    // real over-assignment.
    held -= 1;
    const complete = () =>
      client.request({ action: 'ticket.setStatus', ticketId, status: 'completed' }, 30_000);
    let answer = await complete();
    if (answer.type === 'error' && answer.code === 'INTERNAL') {
      // «Внутренняя ошибка. Повторите попытку»: the operator tries again, as the message asks. The
      // first try may have been stored past the route's timeout: then the repeat answers CONFLICT.
      ledger.completionRetries += 1;
      answer = await complete();
      if (answer.type === 'error' && answer.code === 'CONFLICT') answer = { type: 'ticket.updated' };
    }
    if (answer.type !== 'ticket.updated') {
      ledger.problems.push(`ticket of ${conversationId} not completed: ${JSON.stringify(answer)}`);
    }
    ledger.completed.add(conversationId);
  };
  client.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    if (frame.type === 'conversation.assigned') {
      work(frame).catch((error: unknown) =>
        ledger.problems.push(`operator ${username}: ${String(error).slice(0, 300)}`),
      );
    } else if (frame.type === 'operator.state' && frame.status !== 'online') {
      // Only a missed accept sets an operator away on its own. One whose offer expired in transit
      // never saw it in time: as designed; the console says so and the operator goes back online.
      ledger.setAway += 1;
      const unseen = ledger.missedUnseen.get(signed.sub) ?? 0;
      if (unseen > 0) ledger.missedUnseen.set(signed.sub, unseen - 1);
      else ledger.problems.push(`operator ${username} set ${String(frame.status)} by the backend`);
      setTimeout(() => {
        client
          .request(
            { action: 'operator.status', status: 'online', skills: ['general'], maxChats: settings.maxChats },
            30_000,
          )
          .catch((error: unknown) =>
            ledger.problems.push(`operator ${username} back online: ${String(error).slice(0, 200)}`),
          );
      }, BACK_ONLINE_MS);
    }
  });
  const heartbeat = setInterval(() => client.send({ action: 'operator.heartbeat' }), HEARTBEAT_MS);
  return {
    async stop() {
      clearInterval(heartbeat);
      await client.close();
    },
  };
}

/** One citizen: connects, asks for a person with a reason, skips an intake if one is asked. */
async function runCitizen(wsUrl: string, ledger: Ledger): Promise<ChatClient> {
  const client = await ChatClient.connect(wsUrl, { lang: 'ru' });
  const started = performance.now();
  const answer = await client.request(
    { action: 'operator.request', reason: 'не могу войти в личный кабинет, код не приходит' },
    30_000,
  );
  const conversationId = String(answer.conversationId);
  ledger.requestedAt.set(conversationId, started);
  // The intake's first question came with the answer; the citizen skips the intake, and the
  // conversation is queued.
  if (answer.state === 'bot') {
    await client.request({ action: 'message.send', clientMessageId: 'skip', text: 'пропустить всё' }, 30_000);
  }
  return client;
}

async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, i) => make(start + i));
    made.push(...(await Promise.all(batch)));
  }
  return made;
}

function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

const sortedOf = (values: readonly number[]) => [...values].sort((a, b) => a - b);

function callsTable(title: string, calls: Map<string, number>, assignments: number): string[] {
  const rows = [...calls].sort((a, b) => b[1] - a[1]);
  return [
    `| ${title} | calls | per assignment |`,
    '|---|--:|--:|',
    ...rows.map(([name, n]) => `| ${name} | ${n} | ${(n / assignments).toFixed(2)} |`),
    `| **total** | **${total(calls)}** | **${(total(calls) / assignments).toFixed(2)}** |`,
  ];
}

/** Function × operation, the most calls first: where the dispatch path's calls go. */
function perFunctionTable(counts: CallCounts, assignments: number): string[] {
  const rows = [...counts]
    .flatMap(([fn, calls]) => [...calls].map(([op, n]) => [fn, op, n] as const))
    .sort((a, b) => b[2] - a[2]);
  return [
    '| function | service:operation | calls | per assignment |',
    '|---|---|--:|--:|',
    ...rows.map(([fn, op, n]) => `| ${fn} | ${op} | ${n} | ${(n / assignments).toFixed(2)} |`),
  ];
}

function byFunction(counts: CallCounts): Map<string, number> {
  return new Map([...counts].map(([fn, calls]) => [fn, total(calls)]));
}

async function main() {
  const log = (line: string) => process.stderr.write(`[local] ${line}\n`);
  // The functions share this process's stdout with the report: no EMF lines in it.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // Every operator and citizen of the run connects from 127.0.0.1: one client per address otherwise
  // (the functions run in this process and read these settings from its environment).
  for (const [name, value] of Object.entries(PER_ADDRESS_LIMITS_LIFTED)) process.env[name] ??= value;
  const stack = await startLocalStack(
    readLocalConfig({
      ...process.env,
      HTTP_PORT: process.env.HTTP_PORT ?? '0',
      WS_PORT: process.env.WS_PORT ?? '0',
      DYNAMODB_PORT: process.env.DYNAMODB_PORT ?? '0',
      AWS_EMULATOR_PORT: process.env.AWS_EMULATOR_PORT ?? '0',
      COGNITO_PORT: process.env.COGNITO_PORT ?? '0',
      LOG_LEVEL: process.env.DISPATCH_LOG_LEVEL ?? 'SILENT',
    }),
    log,
  );
  const counter = new AwsCallCounter();
  counter.install(stack.functions.values());
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const ledger = new Ledger();
  // What a refused accept found: the conversation's dispatch fields as stored (no personal data).
  const describe = async (conversationId: string) => {
    const { Item } = await documents.send(
      new GetCommand({ TableName: stack.functionEnv.CONVERSATIONS_TABLE, Key: { conversationId } }),
    );
    if (!Item) return 'no conversation';
    const fields = [
      'state',
      'operatorId',
      'assignedAt',
      'acceptDueAt',
      'acceptedAt',
      'queueEnteredAt',
      'followUps',
    ];
    return JSON.stringify(Object.fromEntries(fields.map((f) => [f, Item[f]]))).slice(0, 400);
  };
  const operators: { stop(): Promise<void> }[] = [];
  const citizens: ChatClient[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    process.stderr.write(`signing in ${settings.operators} operators…\n`);
    operators.push(
      ...(await inBatches(settings.operators, SIGN_IN_CONCURRENCY, (i) =>
        runOperator(stack.wsUrl, stack.httpUrl, i, ledger, describe),
      )),
    );
    const setUpCalls = counter.reset();
    sampler = setInterval(() => {
      documents
        .send(
          new ScanCommand({
            TableName: stack.functionEnv.OPERATORS_TABLE,
            ProjectionExpression: 'activeChats, maxChats',
          }),
        )
        .then(({ Items = [] }) => {
          for (const item of Items) {
            const active = Number(item.activeChats ?? 0);
            ledger.maxActiveChatsInTable = Math.max(ledger.maxActiveChatsInTable, active);
            if (active > Number(item.maxChats))
              ledger.problems.push(`OperatorsTable: ${active} > ${item.maxChats}`);
          }
        })
        .catch(() => undefined);
    }, 1000);

    process.stderr.write(`${settings.conversations} citizens arriving…\n`);
    const started = performance.now();
    // Everything runs on this one event loop (the functions, the gateway, fauxqs, the clients):
    // its delay is how far behind the whole stack is.
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const arrivals = Array.from({ length: settings.conversations }, async (_, i) => {
      if (settings.rate > 0) await sleep((i * 1000) / settings.rate);
      citizens.push(await runCitizen(stack.wsUrl, ledger));
    });
    let settled = 0;
    let failed = 0;
    const arrived = Promise.allSettled(
      arrivals.map((arrival) =>
        arrival.then(
          () => {
            settled += 1;
          },
          (error: unknown) => {
            settled += 1;
            failed += 1;
            throw error;
          },
        ),
      ),
    );
    const deadline = Date.now() + timeoutS * 1000;
    const expected = () => settings.conversations - failed;
    while (
      Date.now() < deadline &&
      (settled < settings.conversations ||
        ledger.completed.size < expected() ||
        ledger.assignments.size < expected())
    ) {
      await sleep(250);
      if (Date.now() % 10_000 < 250) {
        process.stderr.write(
          `  ${settled} arrived, ${ledger.assignments.size} assigned, ${ledger.completed.size} completed\n`,
        );
      }
    }
    const failedArrivals = (await arrived).filter((r) => r.status === 'rejected');
    loopDelay.disable();
    const calls = counter.snapshot();
    const assignSeconds = (ledger.lastAssignedAt - started) / 1000;

    // Tables: every conversation names the operator whose frame it was; no slot held at the end.
    const conversationIds = [...ledger.requestedAt.keys()];
    const stored = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < conversationIds.length; i += 100) {
      const keys = conversationIds.slice(i, i + 100).map((conversationId) => ({ conversationId }));
      const { Responses } = await documents.send(
        new BatchGetCommand({
          RequestItems: { [stack.functionEnv.CONVERSATIONS_TABLE as string]: { Keys: keys } },
        }),
      );
      for (const item of Object.values(Responses ?? {}).flat()) stored.set(String(item.conversationId), item);
    }
    // The operator of its last frame: one given back for want of an accept (a problem of its own)
    // is the next one's.
    let tableMismatches = 0;
    for (const [conversationId, list] of ledger.assignments) {
      if (stored.get(conversationId)?.operatorId !== list.at(-1)?.operator) tableMismatches += 1;
    }
    const { Items: operatorItems = [] } = await documents.send(
      new ScanCommand({ TableName: stack.functionEnv.OPERATORS_TABLE }),
    );
    const stillHeld = operatorItems.filter((item) => Number(item.activeChats ?? 0) > 0).length;

    const waits = conversationIds
      .map((id) => {
        const first = ledger.assignments.get(id)?.[0];
        const asked = ledger.requestedAt.get(id);
        return first && asked !== undefined ? first.at - asked : undefined;
      })
      .filter((w): w is number => w !== undefined)
      .sort((a, b) => a - b);
    const assignedOnce = [...ledger.assignments.values()].filter((list) => list.length === 1).length;
    const assignedMore = [...ledger.assignments.values()].filter((list) => list.length > 1).length;
    const neverAssigned = settings.conversations - ledger.assignments.size;
    const handlerCalls = functionCalls(calls);
    const dispatchCalls = new Map([...handlerCalls].filter(([fn]) => !ARRIVAL_FUNCTIONS.includes(fn)));
    const arrivalCalls = total(byOperation(handlerCalls)) - total(byOperation(dispatchCalls));
    const assignments = Math.max(1, ledger.assignments.size);
    const arrival = settings.rate > 0 ? `paced, ${settings.rate} per second` : 'a burst: all at once';
    const lines = [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      `Operators: ${settings.operators} online (skill general, maxChats ${settings.maxChats}, each holds a conversation ${settings.holdMs} ms ±50 % then completes its ticket)`,
      `Conversations: ${settings.conversations} (operator.request on a new connection), arriving ${arrival}`,
      '',
      `Assigned: ${ledger.assignments.size} of ${settings.conversations} (exactly once: ${assignedOnce}, more than once: ${assignedMore}, never: ${neverAssigned}); completed ${ledger.completed.size}`,
      `Time to assign them all: ${assignSeconds.toFixed(1)} s from the first arrival; wait (operator.request → conversation.assigned) p50 ${percentile(waits, 50).toFixed(0)} ms, p99 ${percentile(waits, 99).toFixed(0)} ms, max ${(waits.at(-1) ?? Number.NaN).toFixed(0)} ms`,
      `Accepting: the frame at the operator after the assignment's commit p50 ${percentile(sortedOf(ledger.frameLags), 50)} ms, p99 ${percentile(sortedOf(ledger.frameLags), 99)} ms, max ${Math.max(...ledger.frameLags)} ms; conversation.accept answered after the frame p50 ${percentile(sortedOf(ledger.acceptTimes), 50)} ms, p99 ${percentile(sortedOf(ledger.acceptTimes), 99)} ms, max ${Math.max(...ledger.acceptTimes)} ms`,
      `Event loop of this process (functions, gateway, fauxqs, clients): delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`,
      `Announced again (the same assignment's frame once more, as docs/protocol.md allows): ${ledger.reannounced}`,
      `Offers expired in transit (the frame arrived after its acceptBy; given back, offered again): ${ledger.expiredInTransit.length}${ledger.expiredInTransit.length > 0 ? `, late by p50 ${percentile(sortedOf(ledger.expiredInTransit), 50)} ms, max ${Math.max(...ledger.expiredInTransit)} ms` : ''}; operators set away by the backend ${ledger.setAway} (each back online after ${BACK_ONLINE_MS / 1000} s)`,
      `Capacity: most held by one operator (frames) ${ledger.maxHeldSeen}, over maxChats ${ledger.overCapacityFrames}; highest activeChats in OperatorsTable ${ledger.maxActiveChatsInTable}; operators still holding at the end ${stillHeld}`,
      `Tables: conversations without their operator ${tableMismatches}; failed arrivals ${failedArrivals.length}; problems ${ledger.problems.length}`,
      `Routes: ticket.setStatus answered INTERNAL and sent again by the operator ${ledger.completionRetries} times (a second failure is a problem)`,
      '',
      `AWS calls of the functions from the first arrival to the last completion (set-up: ${total(byOperation(functionCalls(setUpCalls)))} calls for ${settings.operators} operators to sign in and go online, not counted):`,
      '',
      ...callsTable('service:operation', byOperation(handlerCalls), assignments),
      '',
      ...callsTable('function', byFunction(handlerCalls), assignments),
      '',
      `Of these, the citizens' side before the escalation (${ARRIVAL_FUNCTIONS.join(', ')}): ${arrivalCalls} calls; the rest, from the escalation to the completed ticket: **${total(byOperation(dispatchCalls))} calls, ${(total(byOperation(dispatchCalls)) / assignments).toFixed(2)} per assignment**:`,
      '',
      ...callsTable('service:operation (from the escalation on)', byOperation(dispatchCalls), assignments),
      '',
      ...perFunctionTable(dispatchCalls, assignments),
      '',
      `Not counted above: the local event source mappings' polling (Lambda's in AWS) and this benchmark's checks: ${total(outsideCalls(calls))} calls (${[
        ...outsideCalls(calls),
      ]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    // Problems by kind (ids and numbers left out), each with its first three as they were.
    const kinds = new Map<string, string[]>();
    for (const problem of ledger.problems) {
      const kind = problem
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '…')
        .replace(/[0-9a-f]{8}@[\d:.]+/g, '…')
        .replace(/; now .*/, '')
        .replace(/bench-\d+-\w+/g, 'bench-…')
        .replace(/\d+/g, 'N')
        .slice(0, 120);
      kinds.set(kind, [...(kinds.get(kind) ?? []), problem]);
    }
    for (const [kind, all] of [...kinds].sort((a, b) => b[1].length - a[1].length)) {
      process.stderr.write(`problems: ${all.length} × ${kind}\n`);
      for (const problem of all.slice(0, 3)) process.stderr.write(`  problem: ${problem.slice(0, 300)}\n`);
    }
    for (const failure of failedArrivals.slice(0, 5))
      process.stderr.write(`arrival failed: ${String(failure.reason)}\n`);
    const ok =
      assignedOnce === settings.conversations &&
      ledger.overCapacityFrames === 0 &&
      tableMismatches === 0 &&
      stillHeld === 0 &&
      ledger.problems.length === 0 &&
      failedArrivals.length === 0;
    if (!ok) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await Promise.allSettled([...operators.map((o) => o.stop()), ...citizens.map((c) => c.close())]);
    // The gateway runs $disconnect after the sockets closed: let it, before the tables go.
    await sleep(2000);
    await stack.stop();
  }
}

await main();
