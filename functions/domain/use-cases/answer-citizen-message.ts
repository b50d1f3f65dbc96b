/**
 * Use case: the bot answers one citizen message (a job from the bot FIFO queue).
 *
 * Primary course:
 *  1. Read, at once (one round trip): the citizen message the job names, `bot#{messageId}`, the
 *     session and the conversation.
 *  2. If the citizen message is gone (expired) or is not the job's message, drop the job. The job
 *     itself only names the message: it is queued after the commit, but the stored message is what
 *     the bot answers, so a message removed since (expiry, a later erasure) is never answered.
 *  3. If the bot has already answered it (`bot#{messageId}` exists, or the message was stored with
 *     its answer and holds its place: `message.send` could not post it, or the client resent the
 *     message, or a redelivered job after a crash), deliver the stored reply and stop: nothing is
 *     stored twice, no seq is skipped. The worker posts a stored reply once at most
 *     (`claimRedelivery`, a conditional write on the key, or `claimMessageRedelivery` on the
 *     message): a job that comes back again posts nothing.
 *  4. If the conversation is no longer with the bot (an operator took it), drop the job.
 *  5. Decide the turn. With an intake in progress (`conversation.intake`), the message answers the
 *     pending question: the next question is asked, or, with none left, the thank-you message and
 *     the conversation is queued (functions/domain/escalations.ts). Otherwise ask the bot, with what
 *     it remembers and whether the session is verified; when it decides to hand over, its message
 *     (with the intent, saying what happens next) is followed by the first intake question, pre-filled
 *     from the citizen's recent messages — or, with nothing to ask, the conversation is queued.
 *  6. Commit, in one transaction: the conversation's new `lastSeq` (one per bot message), bot memory,
 *     intake and state (`queued` only from `bot`), the messages with their seqs, and `bot#{messageId}`;
 *     the session's connections are listed meanwhile. A lost race backs off, reads the conversation
 *     again and starts again from 4.
 *  7. A queued conversation's escalation is put on the escalation queue (events/escalation.ts).
 *  8. Deliver the messages in seq order, then `conversation.updated` (queued), to every connection of
 *     the session. A gone connection is removed; any other failure is left to the client, which
 *     recovers it with `history.get`.
 *
 * `message.send` answers the message it is storing with `planFreshReply` and `deliverFreshReply`:
 * steps 5–8, the context being what it is about to commit (step 1 would read it back; steps 2 and 3
 * cannot apply to a message not stored yet), and the turn's writes committed in the citizen message's
 * own transaction, so the message is stored answered or not at all. The worker answers the jobs it
 * could not (a turn that needs the portal's registry, a lost race, a failure, a resend).
 *
 * A guest's question that needs identification (the status of their applications) is answered with
 * the invitation to identify, and the turn remembers it on the conversation (`pendingQuestion`, for
 * `pendingQuestionTtlSeconds`), in its own update of the conversation: no other item is written.
 * Identifying queues it again (`afterIdentification`,
 * functions/domain/use-cases/queue-pending-question.ts): that job answers the same message for the
 * now verified citizen, under its own key `bot#{messageId}#identified`, only while the conversation
 * still holds that question and the session is verified, and forgets the question in the same
 * transaction: once.
 *
 * Redelivered job whose turn queued the conversation: step 3 also publishes the escalation again
 * (deduplicated on `{conversationId}#{attempt}`), since the first delivery may have crashed between
 * the commit and the publish.
 */
import type { BotJob } from '#events/bot-job.ts';
import type { EscalationEvent } from '#events/escalation.ts';
import type { Lang } from '#events/lang.ts';
import type { Dialogue } from '../bot/index.ts';
import { type Conversation, isWithBot, livePendingQuestion } from '../conversations.ts';
import {
  categoryOf,
  continueIntake,
  type EscalationTurn,
  escalationReasonOf,
  startEscalation,
} from '../escalations.ts';
import { type BotReplyRef, botJobReplyKey } from '../idempotency.ts';
import type { StoredMessage } from '../messages.ts';
import type {
  BotJobContextReader,
  EscalationQueue,
  FreshMessage,
  FreshReply,
  Responder,
} from '../ports/bot.ts';
import type { ConversationLog, ConversationRepository, MessageRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator, Sleeper } from '../ports/system.ts';
import { BOT_REPLY_KEY_TTL_SECONDS, expiresAfterDays, expiresAfterSeconds } from '../retention.ts';
import { LOST_RACE, type RetryPolicy, SEQ_CONFLICT_RETRY, withSeqRetry } from '../retry.ts';
import type { Connection, Session } from '../sessions.ts';
import {
  type Delivery,
  deliverTurn,
  planTurn,
  publishAndDeliver,
  publishEscalation,
  recentCitizenMessages,
} from './bot-turns.ts';

export { BOT_SENDER_ID, type Delivery } from './bot-turns.ts';

/** The intent of the catalogue (docs/requirements.md#intent-catalogue) the bot answers when the knowledge base does not cover a question. */
const FALLBACK_INTENT = 'fallback';
/** A turn that needs the portal's registry, which this function does not hold: the worker answers it. */
export class LeftToWorker extends Error {
  constructor() {
    super("the turn needs the portal's registry: left to the bot worker");
  }
}

/** The intent whose answer, for a verified citizen, is their applications in the portal's registry. */
const APPLICATION_STATUS_INTENT = 'application.status';

export interface AnswerCitizenMessageDeps {
  jobContext: BotJobContextReader;
  messages: MessageRepository;
  conversations: ConversationRepository;
  connections: ConnectionRepository;
  log: Pick<ConversationLog, 'appendBotTurn' | 'claimRedelivery' | 'claimMessageRedelivery'>;
  notifier: ConnectionNotifier;
  escalations: EscalationQueue;
  ledger: Pick<FollowUpLedger, 'clear'>;
  responder: Responder;
  /** What the bot says during the intake (the knowledge base's `dialogue.json`). */
  dialogue: Dialogue;
  /**
   * A verified citizen's applications in words, from the portal's registry
   * (functions/domain/portal/application-answers.ts); unset: the bot's own answer stands.
   */
  applicationAnswers?: (citizenId: string, text: string, lang: Lang) => Promise<string>;
  /**
   * A registry is configured but another function holds it (`message.send`: the bot worker does):
   * a turn that needs it throws `LeftToWorker`, and the job is queued for the worker.
   */
  registryElsewhere?: boolean;
  clock: Clock;
  ids: IdGenerator;
  sleeper: Sleeper;
  retentionDays: number;
  /** How long a guest's question waits for them to identify (docs/bot.md). */
  pendingQuestionTtlSeconds: number;
  retry?: RetryPolicy;
}

/** What answering a message needs once its context is known. */
export type AnswerTurnDeps = Omit<AnswerCitizenMessageDeps, 'jobContext'>;

/**
 * What `message.send`'s own turn needs (`planFreshReply`, `deliverFreshReply`): no log, the citizen
 * message's own commit writes the turn.
 */
export type FreshTurnDeps = Omit<AnswerTurnDeps, 'log'>;

export type AnswerOutcome =
  | {
      status: 'answered';
      /** The first message of the turn: the bot's answer, or the next intake question. */
      reply: StoredMessage;
      messages: StoredMessage[];
      /** From the citizen's message to the answer; none for an answer after identification. */
      firstResponseMs?: number;
      delivery: Delivery;
      /** Set when the turn queued the conversation for a person. */
      escalation?: EscalationEvent;
    }
  | { status: 'redelivered'; delivery: Delivery }
  /** The stored reply was re-delivered by the worker before: nothing is posted again. */
  | { status: 'delivered-before' }
  | { status: 'answered-elsewhere' }
  | {
      status: 'dropped';
      reason: 'message-gone' | 'conversation-gone' | 'not-with-bot' | 'not-pending';
    };

export async function answerCitizenMessage(
  deps: AnswerCitizenMessageDeps,
  job: BotJob,
): Promise<AnswerOutcome> {
  const {
    citizen,
    earlierReply,
    replyOnMessage,
    session,
    conversation: firstRead,
  } = await deps.jobContext.read(job);
  if (!citizen || citizen.messageId !== job.messageId) return { status: 'dropped', reason: 'message-gone' };
  if (earlierReply) return redeliver(deps, job, earlierReply, firstRead, replyOnMessage === true);
  // After identification: only the question the conversation still holds, once, for a verified session.
  if (job.afterIdentification && !stillPending(session, firstRead, job, deps.clock.now()))
    return { status: 'dropped', reason: 'not-pending' };
  return answerTurn(deps, job, {
    citizen,
    verifiedCitizenId: session?.verified === true ? session.citizenId : undefined,
    conversation: firstRead,
  });
}

/** Steps 4–8: decide, commit (with `bot#{messageId}`), publish and deliver; a lost race starts again. */
async function answerTurn(
  deps: AnswerTurnDeps,
  job: BotJob,
  known: FreshMessage | (Omit<FreshMessage, 'conversation'> & { conversation: Conversation | undefined }),
): Promise<AnswerOutcome> {
  const { citizen, conversation: firstRead } = known;
  const policy = deps.retry ?? SEQ_CONFLICT_RETRY;
  const messageId = deps.ids.newId();
  let connections: Promise<Connection[]> | undefined;

  return withSeqRetry(deps.sleeper, policy, async (attempt) => {
    const conversation = attempt === 1 ? firstRead : await deps.conversations.get(job.conversationId);
    if (!conversation) return { status: 'dropped', reason: 'conversation-gone' };
    if (!isWithBot(conversation)) return { status: 'dropped', reason: 'not-with-bot' };
    // Listed while the reply commits, not after: one round trip less before the push. A connection
    // opened meanwhile may miss the push, as one opened just after the listing always could; a
    // client catches up with `history.get` when it (re)connects.
    connections ??= listConnections(deps, job.sessionId);
    const reply = await decideReply(deps, job, { ...known, conversation }, messageId);
    const outcome = await deps.log.appendBotTurn({ expected: conversation, ...reply.append });
    if (outcome.status === 'appended') return deliverReply(deps, job, citizen, reply, await connections);
    // Another worker stored the reply (a redelivery racing the first): it also delivers it.
    if (outcome.status === 'duplicate') return { status: 'answered-elsewhere' };
    return LOST_RACE;
  });
}

/**
 * `message.send`'s turn, decided before the citizen message is stored (docs/architecture.md, "The
 * path of a message"): `fresh.conversation` is the conversation as the citizen message will leave
 * it (`lastSeq` = the message's seq). The sender commits the reply in the message's own transaction
 * and then calls `deliverFreshReply`. Throws `LeftToWorker` for a turn that needs the portal's
 * registry, or the failure of a read the turn needed (a handover's recent messages): the sender then
 * stores the message alone and queues its job.
 */
export function planFreshReply(deps: FreshTurnDeps, job: BotJob, fresh: FreshMessage): Promise<FreshReply> {
  return decideReply(deps, job, fresh, deps.ids.newId());
}

/**
 * After `planFreshReply`'s turn was committed: steps 7 and 8 (publish the escalation, list the
 * session's connections, deliver). The connections are listed only now: a frame refused by its
 * commit (a repeat, a limit) costs no read.
 */
export async function deliverFreshReply(
  deps: FreshTurnDeps,
  job: BotJob,
  fresh: FreshMessage,
  reply: FreshReply,
): Promise<AnswerOutcome> {
  return deliverReply(deps, job, fresh.citizen, reply, await listConnections(deps, job.sessionId));
}

/** Steps 5 and 6 up to the commit: decide the turn and what it writes. */
async function decideReply(
  deps: FreshTurnDeps,
  job: BotJob,
  known: FreshMessage,
  messageId: string,
): Promise<FreshReply> {
  const { citizen, verifiedCitizenId, conversation } = known;
  const now = deps.clock.now();
  const { turn, memory, askedToIdentify } = await decideTurn(
    deps,
    conversation,
    citizen,
    job,
    verifiedCitizenId,
    now,
  );
  const expiresAt = expiresAfterDays(now, deps.retentionDays);
  const planned = planTurn(conversation, turn, memory, messageId, deps.ids, { now, expiresAt });
  const [first] = planned.messages;
  if (!first) throw new Error('a bot turn says something');
  const pendingQuestion = askedToIdentify
    ? {
        remember: {
          conversationId: job.conversationId,
          messageId: job.messageId,
          seq: job.seq,
          lang: job.lang,
          expiresAt: expiresAfterSeconds(now, deps.pendingQuestionTtlSeconds),
        },
      }
    : pendingQuestionAfter(conversation, job, now);
  return {
    append: {
      next: planned.next,
      messages: planned.messages,
      ...(pendingQuestion ? { pendingQuestion } : {}),
      idempotency: {
        key: botJobReplyKey(job),
        reply: {
          conversationId: first.conversationId,
          seq: first.seq,
          messageId: first.messageId,
          ...(planned.messages.length > 1 ? { count: planned.messages.length } : {}),
        },
        expiresAt: expiresAfterSeconds(now, BOT_REPLY_KEY_TTL_SECONDS),
      },
    },
    ...(planned.escalation ? { escalation: planned.escalation } : {}),
  };
}

/** Steps 7 and 8 once the turn is stored: publish its escalation, deliver its messages. */
async function deliverReply(
  deps: FreshTurnDeps,
  job: BotJob,
  citizen: StoredMessage,
  reply: FreshReply,
  connections: Connection[],
): Promise<AnswerOutcome> {
  const { next, messages } = reply.append;
  const [first] = messages;
  if (!first) throw new Error('a bot turn says something');
  const delivery = await publishAndDeliver(deps, connections, {
    messages,
    ...(reply.escalation ? { escalation: reply.escalation } : {}),
    ...(next.followUpsAt ? { followUpsAt: next.followUpsAt } : {}),
  });
  // The first response is measured to the reply's posts: the queue, the commit and the posts in it.
  const respondedAt = deps.clock.now().getTime();
  return {
    status: 'answered',
    reply: first,
    messages,
    ...(job.afterIdentification ? {} : { firstResponseMs: respondedAt - Date.parse(citizen.ts) }),
    delivery,
    ...(reply.escalation ? { escalation: reply.escalation } : {}),
  };
}

/** Step 5: an intake answer, the bot's answer, or the bot's handover and the intake's start. */
async function decideTurn(
  deps: Pick<
    AnswerCitizenMessageDeps,
    'responder' | 'dialogue' | 'messages' | 'applicationAnswers' | 'registryElsewhere'
  >,
  conversation: Conversation,
  citizen: StoredMessage,
  job: BotJob,
  /** The verified citizen's id; undefined for a guest. */
  citizenId: string | undefined,
  now: Date,
): Promise<{
  turn: EscalationTurn;
  memory: Pick<Conversation, 'lastBotIntent' | 'consecutiveFallbacks'>;
  /** The bot invited a guest to identify to answer this question (it is to be answered after). */
  askedToIdentify: boolean;
}> {
  if (conversation.intake) {
    return {
      turn: continueIntake(conversation.intake, citizen.text, citizen.attachments ?? [], deps.dialogue),
      memory: { lastBotIntent: conversation.lastBotIntent, consecutiveFallbacks: 0 },
      askedToIdentify: false,
    };
  }
  const answer = deps.responder.reply({
    text: citizen.text,
    lang: job.lang,
    context: {
      lastBotIntent: conversation.lastBotIntent,
      consecutiveFallbacks: conversation.consecutiveFallbacks ?? 0,
      verified: citizenId !== undefined,
    },
  });
  // "Где мой загранпаспорт" from a verified citizen: their applications, from the portal's registry.
  const fromRegistry = answer.intent === APPLICATION_STATUS_INTENT && !answer.escalate && citizenId;
  if (fromRegistry && !deps.applicationAnswers && deps.registryElsewhere) throw new LeftToWorker();
  const text =
    fromRegistry && deps.applicationAnswers
      ? await deps.applicationAnswers(citizenId, citizen.text, answer.lang ?? job.lang)
      : answer.text;
  const saying = {
    text,
    intent: answer.intent,
    confidence: answer.confidence,
    suggestions: answer.suggestions,
    escalate: answer.escalate,
    category: answer.category,
  };
  const memory = {
    lastBotIntent: answer.intent,
    consecutiveFallbacks:
      answer.intent === FALLBACK_INTENT ? (conversation.consecutiveFallbacks ?? 0) + 1 : 0,
  };
  if (!answer.escalate)
    return { turn: { says: [saying] }, memory, askedToIdentify: answer.needsIdentification && !citizenId };
  const reason = escalationReasonOf(answer.escalationReason);
  // Asking for a person or saying it did not help describes no problem; a complaint does.
  const onlyAsks = reason === 'citizen_request' || reason === 'not_helped';
  const recent = await recentCitizenMessages(
    deps.messages,
    conversation,
    onlyAsks ? citizen.seq : undefined,
    citizen,
  );
  const turn = startEscalation(
    {
      opening: saying,
      reason,
      category: categoryOf(answer.category),
      intent: answer.intent,
      // The intake is asked in the session's language, as every question of the chat.
      lang: job.lang,
      ...(answer.intakeService ? { service: answer.intakeService } : {}),
      citizenMessages: recent.texts,
      ...(onlyAsks ? { trigger: citizen.text } : {}),
      attachmentIds: recent.attachmentIds,
      now,
    },
    deps.dialogue,
  );
  return { turn, memory, askedToIdentify: false };
}

/**
 * What a turn that asks nobody to identify does with the conversation's pending question: forgets
 * it once answered (this job answers it after identification), or once it has expired (no
 * identification answers it any more, and the conversation item, rewritten by every turn, need not
 * carry it); otherwise leaves it. Read from the conversation as read for this attempt: its
 * `lastSeq` condition makes that what the turn writes over.
 */
function pendingQuestionAfter(
  conversation: Conversation,
  job: BotJob,
  now: Date,
): { forget: true } | undefined {
  const pending = conversation.pendingQuestion;
  if (!pending) return undefined;
  const answeredNow = job.afterIdentification === true && pending.messageId === job.messageId;
  return answeredNow || !livePendingQuestion(conversation, now) ? { forget: true } : undefined;
}

/**
 * The job's message is the question its conversation holds (or, remembered by an earlier version,
 * its session), still live, and the session is verified.
 */
function stillPending(
  session: Session | undefined,
  conversation: Conversation | undefined,
  job: BotJob,
  now: Date,
): boolean {
  if (session?.verified !== true) return false;
  const pending =
    (conversation && livePendingQuestion(conversation, now)) ?? livePendingQuestion(session, now);
  return pending?.messageId === job.messageId && pending.conversationId === job.conversationId;
}

async function redeliver(
  deps: AnswerCitizenMessageDeps,
  job: BotJob,
  ref: BotReplyRef,
  conversation: Conversation | undefined,
  /** The reply's place is on the citizen message (stored with it), not a `bot#` key. */
  onMessage: boolean,
): Promise<AnswerOutcome> {
  const count = ref.count ?? 1;
  const page = await deps.messages.listAfter(ref.conversationId, ref.seq - 1, count);
  const messages = page.messages.filter((m) => m.seq < ref.seq + count);
  if (messages.length === 0) return { status: 'dropped', reason: 'message-gone' };
  const record = conversation?.escalation;
  // This turn queued the conversation if the escalation was stored with one of its messages.
  const escalation =
    conversation?.state === 'queued' && record && record.seq >= ref.seq && record.seq < ref.seq + count
      ? record.event
      : undefined;
  const followUpsAt =
    escalation && conversation?.followUps?.escalation && conversation.followUpsAt
      ? conversation.followUpsAt
      : undefined;
  // The escalation first, whoever delivered the messages: its publish is what the crash may have missed.
  await publishEscalation(deps, {
    ...(escalation ? { escalation } : {}),
    ...(followUpsAt ? { followUpsAt } : {}),
  });
  // A reply is posted by the worker once at most: a job that comes back again posts nothing.
  const [claimed, connections] = await Promise.all([
    onMessage
      ? deps.log.claimMessageRedelivery({
          conversationId: job.conversationId,
          seq: job.seq,
          messageId: job.messageId,
        })
      : deps.log.claimRedelivery(botJobReplyKey(job)),
    listConnections(deps, job.sessionId),
  ]);
  if (!claimed) return { status: 'delivered-before' };
  const delivery = await deliverTurn(deps, connections, { messages, ...(escalation ? { escalation } : {}) });
  return { status: 'redelivered', delivery };
}

/** Starts listing the connections; awaited later, and never left rejected unobserved if it is not. */
function listConnections(
  deps: Pick<AnswerCitizenMessageDeps, 'connections'>,
  principalId: string,
): Promise<Connection[]> {
  const listing = deps.connections.listByPrincipal(principalId);
  listing.catch(() => undefined);
  return listing;
}
