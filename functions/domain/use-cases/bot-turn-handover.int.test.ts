/**
 * Who answers a citizen message when `message.send`'s own turn does not finish, against DynamoDB
 * Local (the test run's global setup): the turn crashing after its reply is stored and before it is
 * posted, the outbox waiting for a turn under way, and a turn that never ends. The bot and the
 * `@connections` API are in-memory ports (fixed answers; a notifier that can be made to crash: no
 * emulator crashes a function between two calls on demand).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoBotJobContextReader } from '#adapters/dynamodb/bot-job-context-reader.ts';
import { DynamoBotReplies } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoFollowUpLedger } from '#adapters/dynamodb/follow-up-ledger.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { systemClock, timerSleeper } from '#adapters/system.ts';
import { OpenConversationHints } from '#domain/open-conversation-hints.ts';
import type { BotJob } from '#events/bot-job.ts';
import { repoPath } from '../../../infra/paths.ts';
import {
  guestOnTwoDevices,
  RecordingEscalations,
  RecordingQueue,
  TURN_SETTINGS,
} from '../../../test/support/bot-turn-fixture.ts';
import type { BotAnswer, FreshMessageAnswerer, Responder } from '../ports/bot.ts';
import type { ConnectionNotifier, DeliveryOutcome, PushedFrame } from '../ports/delivery.ts';
import { answerCitizenMessage, answerFreshMessage } from './answer-citizen-message.ts';
import { awaitTurnsOver, queueUnansweredMessage } from './queue-unanswered-message.ts';
import { sendCitizenMessage } from './send-citizen-message.ts';

/** `@connections`; `crashing`: the function dies at its first post (the reply is stored by then). */
class Notifier implements ConnectionNotifier {
  readonly posts: { connectionId: string; frame: PushedFrame }[] = [];
  constructor(private readonly crashing = false) {}
  async post(connectionId: string, frame: PushedFrame): Promise<DeliveryOutcome> {
    if (this.crashing) throw new Error('the function died between the reply commit and its post');
    this.posts.push({ connectionId, frame });
    return 'delivered';
  }
}

const answer: BotAnswer = {
  intent: 'auth.password_reset',
  confidence: 0.93,
  text: 'Нажмите «Забыли пароль?» на странице входа.',
  suggestions: [],
  escalate: false,
  category: 'auth',
  needsIdentification: false,
};
const bot: Responder = { reply: () => answer };
const { dialogue } = loadKnowledgeBase(repoPath('layers/knowledge-base/kb'));
const common = TURN_SETTINGS;

async function setUp() {
  const { tables, sessions, connections, conversations, messages, log, sessionId, caller } =
    await guestOnTwoDevices();
  const queue = new RecordingQueue();
  const turnDeps = (notifier: Notifier) => ({
    messages,
    conversations,
    connections,
    log,
    notifier,
    escalations: new RecordingEscalations(),
    ledger: new DynamoFollowUpLedger(tables.conversationsTable),
    responder: bot,
    dialogue,
    ...common,
  });
  /** `message.send` with its turn in this invocation (`turn`), which has `deadline`. */
  const send = (
    turn: FreshMessageAnswerer,
    deadline: number,
    options: { acknowledge?: () => Promise<boolean>; turnReserveMs?: number } = {},
  ) =>
    sendCitizenMessage(
      {
        sessions,
        targets: new DynamoSessionTargetReader(tables),
        hints: new OpenConversationHints(),
        conversations,
        log,
        botJobs: queue,
        bot: turn,
        attachments: new DynamoAttachmentRepository(tables),
        turnReserveMs: options.turnReserveMs ?? 0,
        ...common,
      },
      {
        caller,
        clientMessageId: randomUUID(),
        text: 'забыл пароль',
        deadline,
        ...(options.acknowledge ? { acknowledge: options.acknowledge } : {}),
      },
    );
  const worker = (notifier: Notifier) => ({
    ...turnDeps(notifier),
    jobContext: new DynamoBotJobContextReader(tables),
  });
  const outbox = { log: new DynamoBotReplies(tables.idempotencyTable), botJobs: queue };
  return { send, turnDeps, worker, outbox, queue, messages, sessionId };
}

/** `message.send`'s turn as the handler wires it: a failure is caught and the job queued instead. */
const turnThatQueuesOnFailure = (deps: Parameters<typeof answerFreshMessage>[0]): FreshMessageAnswerer => ({
  answer: (job, fresh) =>
    answerFreshMessage(deps, job, fresh).then(
      () => true,
      () => false,
    ),
});

/** The outbox on the message's stream record: waits for its turn, then queues it if unanswered. */
async function outboxSees(
  outbox: Awaited<ReturnType<typeof setUp>>['outbox'],
  job: BotJob,
  turnBy: number,
): Promise<boolean> {
  const message = { ...job, turnBy };
  await awaitTurnsOver({ replies: outbox.log, clock: systemClock, sleeper: timerSleeper }, [message]);
  return queueUnansweredMessage(outbox, message);
}

describe('a bot turn message.send does not finish (DynamoDB Local)', () => {
  it('crashing after its reply is stored and before it is posted: the worker posts the stored reply exactly once, the outbox queues nothing more', async () => {
    // Prepare
    const { send, turnDeps, worker, outbox, queue, messages } = await setUp();
    const crashing = new Notifier(true);
    const deadline = Date.now() + 10_000;

    // Act
    const ack = await send(turnThatQueuesOnFailure(turnDeps(crashing)), deadline);
    const [job] = queue.jobs as [BotJob];
    const queuedByOutbox = await outboxSees(outbox, job, deadline);
    const notifier = new Notifier();
    const first = await answerCitizenMessage(worker(notifier), job);
    const again = await answerCitizenMessage(worker(notifier), job);

    // Assess
    expect(queue.jobs).toHaveLength(1);
    expect(queuedByOutbox).toBe(false);
    expect(first.status).toBe('redelivered');
    expect(again.status).toBe('delivered-before');
    const page = await messages.listAfter(ack.conversationId, 0, 100);
    expect(page.messages.map((m) => [m.seq, m.from])).toEqual([
      [1, 'citizen'],
      [2, 'bot'],
    ]);
    const reply = page.messages[1];
    const posted = notifier.posts.map((p) => [p.connectionId.split('-')[0], p.frame] as const);
    expect(posted.sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual([
      ['laptop', expect.objectContaining({ type: 'message', seq: 2, messageId: reply?.messageId })],
      ['phone', expect.objectContaining({ type: 'message', seq: 2, messageId: reply?.messageId })],
    ]);
  });

  it('leaves a message to the turn under way until its reply is stored, then queues nothing', async () => {
    // Prepare: a turn that has not answered yet (it answers 600 ms later, through the worker's use case).
    const { send, worker, outbox, queue, sessionId } = await setUp();
    const underWay: FreshMessageAnswerer = { answer: async () => true };
    const deadline = Date.now() + 8000;
    const ack = await send(underWay, deadline);
    const job: BotJob = {
      conversationId: ack.conversationId,
      messageId: ack.messageId,
      seq: ack.seq,
      sessionId,
      lang: 'ru',
    };

    // Act
    const started = Date.now();
    const seen = outboxSees(outbox, job, deadline);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await answerCitizenMessage(worker(new Notifier()), job);
    const queued = await seen;

    // Assess
    expect(queued).toBe(false);
    expect(queue.jobs).toHaveLength(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(Date.now()).toBeLessThan(deadline);
  });

  it('queues the job of a message whose turn never ended, once the deadline of its invocation has passed', async () => {
    // Prepare: the function died after its commit, its turn never stored a reply.
    const { send, outbox, queue } = await setUp();
    const died: FreshMessageAnswerer = { answer: async () => true };
    const deadline = Date.now() + 1500;
    const ack = await send(died, deadline);
    const job = { conversationId: ack.conversationId, messageId: ack.messageId, seq: ack.seq } as const;

    // Act
    const queued = await outboxSees(outbox, { ...job, sessionId: 's', lang: 'ru' }, deadline);

    // Assess
    expect(queued).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(queue.jobs).toEqual([expect.objectContaining(job)]);
  });

  it('queues the turn instead of taking it when the ack could not be posted early, or too little of the invocation is left', async () => {
    // Prepare
    const { send, queue } = await setUp();
    const turns: string[] = [];
    const turn: FreshMessageAnswerer = {
      answer: async (job) => {
        turns.push(job.messageId);
        return true;
      },
    };

    // Act
    const unacked = await send(turn, Date.now() + 10_000, { acknowledge: async () => false });
    const late = await send(turn, Date.now() + 3000, { turnReserveMs: 5000 });
    const inTime = await send(turn, Date.now() + 10_000, {
      acknowledge: async () => true,
      turnReserveMs: 5000,
    });

    // Assess
    expect(queue.jobs.map((j) => j.messageId)).toEqual([unacked.messageId, late.messageId]);
    expect(turns).toEqual([inTime.messageId]);
  });
});
