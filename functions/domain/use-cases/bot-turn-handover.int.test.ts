/**
 * Who answers a citizen message when `message.send`'s own turn does not finish, against DynamoDB
 * Local (the test run's global setup): the turn crashing after its reply is stored with the message
 * and before it is posted, and the outbox, for a message stored alone, waiting for a turn under way
 * (a message the previous version stored with `turnBy`) or a turn that never ends. The bot and the
 * `@connections` API are in-memory ports (fixed answers; a notifier that can be made to crash: no
 * emulator crashes a function between two calls on demand).
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoBotJobContextReader } from '#adapters/dynamodb/bot-job-context-reader.ts';
import { DynamoBotReplies } from '#adapters/dynamodb/conversation-log.ts';
import { documentClient } from '#adapters/dynamodb/document-client.ts';
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
import {
  type AnswerTurnDeps,
  answerCitizenMessage,
  deliverFreshReply,
  planFreshReply,
} from './answer-citizen-message.ts';
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
    options: { acknowledge?: () => Promise<boolean>; turnReserveMs?: number; clientMessageId?: string } = {},
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
        clientMessageId: options.clientMessageId ?? randomUUID(),
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
  /** The conversation's message items as stored (the repository leaves out the outbox's fields). */
  const storedItems = async (conversationId: string) => {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: tables.messagesTable,
        KeyConditionExpression: 'conversationId = :c',
        ExpressionAttributeValues: { ':c': conversationId },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => [item.seq, item.from, item.outbox, item.turnBy]);
  };
  return { send, turnDeps, worker, outbox, queue, messages, sessionId, storedItems, log };
}

/** `message.send`'s turn as the handler wires it: a failure is caught and the job queued instead. */
const turnThatQueuesOnFailure = (
  deps: AnswerTurnDeps,
  seen: { planned: string[]; delivered: string[] } = { planned: [], delivered: [] },
): FreshMessageAnswerer => ({
  plan: (job, fresh) => {
    seen.planned.push(job.messageId);
    return planFreshReply(deps, job, fresh).catch(() => undefined);
  },
  deliver: async (job, fresh, reply, acked) =>
    acked &&
    deliverFreshReply(deps, job, fresh, reply).then(
      () => seen.delivered.push(job.messageId) > 0,
      () => false,
    ),
});

/** A `message.send` that takes no turn itself: the message is stored alone, with its outbox mark. */
const noTurn: FreshMessageAnswerer = {
  plan: async () => undefined,
  deliver: async () => {
    throw new Error('nothing to deliver without a turn');
  },
};

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
  it('crashing after its reply is stored with the message and before it is posted: the worker posts the stored reply exactly once, and the message is no outbox entry', async () => {
    // Prepare
    const { send, turnDeps, worker, queue, messages, storedItems, log } = await setUp();
    const crashing = new Notifier(true);
    const deadline = Date.now() + 10_000;

    // Act
    const ack = await send(turnThatQueuesOnFailure(turnDeps(crashing)), deadline);
    const [job] = queue.jobs as [BotJob];
    const notifier = new Notifier();
    const first = await answerCitizenMessage(worker(notifier), job);
    const again = await answerCitizenMessage(worker(notifier), job);

    // Assess
    expect(queue.jobs).toHaveLength(1);
    expect(first.status).toBe('redelivered');
    expect(again.status).toBe('delivered-before');
    const page = await messages.listAfter(ack.conversationId, 0, 100);
    expect(page.messages.map((m) => [m.seq, m.from])).toEqual([
      [1, 'citizen'],
      [2, 'bot'],
    ]);
    // Stored answered: the message holds its reply's place (no `bot#` key), re-posted once.
    expect(await log.findBotReply(ack.messageId)).toBeUndefined();
    expect(await log.findReplyTo(ack)).toEqual(
      expect.objectContaining({ seq: 2, redeliveredAt: expect.any(String) }),
    );
    // Its stream record does not pass the outbox's filter (outbox = bot).
    expect(await storedItems(ack.conversationId)).toEqual([
      [1, 'citizen', undefined, undefined],
      [2, 'bot', undefined, undefined],
    ]);
    const reply = page.messages[1];
    const posted = notifier.posts.map((p) => [p.connectionId.split('-')[0], p.frame] as const);
    expect(posted.sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual([
      ['laptop', expect.objectContaining({ type: 'message', seq: 2, messageId: reply?.messageId })],
      ['phone', expect.objectContaining({ type: 'message', seq: 2, messageId: reply?.messageId })],
    ]);
  });

  it('dying after its commit, before the ack and the reply are posted: a resend gets the stored ack, and the worker posts the stored reply once', async () => {
    // Prepare: the function dies right after the commit (nothing after it runs: no post, no job).
    const { send, turnDeps, worker, queue, messages } = await setUp();
    const clientMessageId = randomUUID();
    const dies: FreshMessageAnswerer = {
      plan: (job, fresh) => planFreshReply(turnDeps(new Notifier()), job, fresh),
      deliver: async () => {
        throw new Error('the function died after its commit');
      },
    };
    await expect(send(dies, Date.now() + 10_000, { clientMessageId })).rejects.toThrow('died');
    const jobsAfterDeath = queue.jobs.length;

    // Act: the client, never acked, resends; the worker takes the job; the client resends again.
    const ack = await send(turnThatQueuesOnFailure(turnDeps(new Notifier())), Date.now() + 10_000, {
      clientMessageId,
    });
    const notifier = new Notifier();
    const reposted = await answerCitizenMessage(worker(notifier), queue.jobs[0] as BotJob);
    await send(turnThatQueuesOnFailure(turnDeps(new Notifier())), Date.now() + 10_000, { clientMessageId });

    // Assess
    expect(jobsAfterDeath).toBe(0);
    expect(ack.seq).toBe(1);
    expect(reposted.status).toBe('redelivered');
    expect(queue.jobs.map((j) => j.messageId)).toEqual([ack.messageId]);
    const page = await messages.listAfter(ack.conversationId, 0, 100);
    expect(page.messages.map((m) => [m.seq, m.from])).toEqual([
      [1, 'citizen'],
      [2, 'bot'],
    ]);
    expect(notifier.posts.map((p) => [p.frame.type, 'seq' in p.frame ? p.frame.seq : undefined])).toEqual([
      ['message', 2],
      ['message', 2],
    ]);
  });

  it('stores a message whose turn is not taken here alone, with its outbox mark, and queues its job', async () => {
    // Prepare
    const { send, queue, storedItems } = await setUp();

    // Act
    const ack = await send(noTurn, Date.now() + 10_000);

    // Assess
    expect(await storedItems(ack.conversationId)).toEqual([[1, 'citizen', 'bot', undefined]]);
    expect(queue.jobs.map((j) => j.messageId)).toEqual([ack.messageId]);
  });

  it('leaves a message the previous version stored with a turn under way to that turn until its reply is stored, then queues nothing', async () => {
    // Prepare: a turn that has not answered yet (it answers 600 ms later, through the worker's use case).
    const { send, worker, outbox, queue, sessionId } = await setUp();
    const deadline = Date.now() + 8000;
    const ack = await send(noTurn, deadline);
    // The previous version queued nothing for a turn it took itself.
    queue.jobs.length = 0;
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
    // Prepare: the function died after its commit, before it queued anything or stored a reply.
    const { send, outbox, queue } = await setUp();
    const deadline = Date.now() + 1500;
    const ack = await send(noTurn, deadline);
    queue.jobs.length = 0;
    const job = { conversationId: ack.conversationId, messageId: ack.messageId, seq: ack.seq } as const;

    // Act
    const queued = await outboxSees(outbox, { ...job, sessionId: 's', lang: 'ru' }, deadline);

    // Assess
    expect(queued).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(queue.jobs).toEqual([expect.objectContaining(job)]);
  });

  it('queues the turn when the ack could not be posted early (its reply stored, posted by the worker), and takes none when too little of the invocation is left', async () => {
    // Prepare
    const { send, turnDeps, worker, queue, storedItems } = await setUp();
    const seen = { planned: [] as string[], delivered: [] as string[] };
    const turn = turnThatQueuesOnFailure(turnDeps(new Notifier()), seen);

    // Act
    const unacked = await send(turn, Date.now() + 10_000, { acknowledge: async () => false });
    const late = await send(turn, Date.now() + 3000, { turnReserveMs: 5000 });
    const inTime = await send(turn, Date.now() + 10_000, {
      acknowledge: async () => true,
      turnReserveMs: 5000,
    });
    const notifier = new Notifier();
    const redelivered = await answerCitizenMessage(worker(notifier), queue.jobs[0] as BotJob);

    // Assess
    expect(queue.jobs.map((j) => j.messageId)).toEqual([unacked.messageId, late.messageId]);
    expect(seen.planned).toEqual([unacked.messageId, inTime.messageId]);
    expect(seen.delivered).toEqual([inTime.messageId]);
    expect(redelivered.status).toBe('redelivered');
    expect(await storedItems(unacked.conversationId)).toEqual([
      [1, 'citizen', undefined, undefined],
      [2, 'bot', undefined, undefined],
      [3, 'citizen', 'bot', undefined],
      [4, 'citizen', undefined, undefined],
      [5, 'bot', undefined, undefined],
    ]);
  });
});
