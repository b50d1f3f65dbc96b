/**
 * Use case: the citizen asks for a person with the `operator.request` action (a button in the
 * widget), rather than in words.
 *
 * Primary course:
 *  1. Read the session and its open conversation, consistently, in one round trip.
 *  2. Already `queued` (or with an operator): answer its state; nothing changes. Asking twice never
 *     queues twice.
 *  3. With the bot and already collecting the intake: answer state `bot`; the pending question stands.
 *  4. Otherwise hand over as the bot worker does (functions/domain/escalations.ts): the bot's
 *     handover message (`support.operator`), to the category of the conversation's topic (the last
 *     recognised intent, else a previous escalation's, else `general`), then the first intake
 *     question, pre-filled from the citizen's recent messages and the `reason` given — or, with
 *     nothing to ask, queued at once.
 *     No open conversation: a new one is opened with these messages.
 *  5. Commit in one transaction (conditional on `lastSeq` and state `bot`, or on creation); a lost
 *     race backs off and starts again from 1.
 *  6. Publish the escalation if queued, push the messages to every connection of the session, and
 *     `conversation.updated` to the session's other connections.
 *  7. Answer `conversation.updated`: `bot` while the intake runs (its questions arrive as bot
 *     messages, then `queued` is pushed when it ends), `queued` when nothing had to be asked.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { EscalationCategory, EscalationEvent } from '#events/escalation.ts';
import type { ConversationUpdatedFrame } from '#events/server-frames.ts';
import type { Dialogue } from '../bot/index.ts';
import {
  type Conversation,
  type ConversationTarget,
  isOpen,
  newConversationTarget,
} from '../conversations.ts';
import { categoryOf, startEscalation } from '../escalations.ts';
import type { EscalationQueue, HandoverSpeaker } from '../ports/bot.ts';
import type { ConversationLog, ConversationRepository, MessageRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { ConnectionRepository, SessionRepository, SessionTargetReader } from '../ports/sessions.ts';
import type { Clock, IdGenerator, Sleeper } from '../ports/system.ts';
import { expiresAfterDays } from '../retention.ts';
import { LOST_RACE, type RetryPolicy, SEQ_CONFLICT_RETRY, withSeqRetry } from '../retry.ts';
import { planTurn, publishAndDeliver, recentCitizenMessages } from './bot-turns.ts';
import { recreateSession } from './recreate-session.ts';

export interface RequestOperatorDeps {
  sessions: SessionRepository;
  targets: SessionTargetReader;
  conversations: ConversationRepository;
  messages: MessageRepository;
  log: Pick<ConversationLog, 'appendBotTurn'>;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  escalations: EscalationQueue;
  ledger: Pick<FollowUpLedger, 'clear'>;
  speaker: HandoverSpeaker;
  dialogue: Dialogue;
  clock: Clock;
  ids: IdGenerator;
  sleeper: Sleeper;
  retentionDays: number;
  retry?: RetryPolicy;
}

export interface RequestOperatorInput {
  caller: Caller;
  connectionId: string;
  /** The citizen's words about why, if the client asked; pre-fills the intake's problem. */
  reason?: string;
}

export interface OperatorRequestOutcome {
  frame: Omit<ConversationUpdatedFrame, 'requestId'>;
  /** Set when this request queued the conversation. */
  escalation?: EscalationEvent;
  /** True when this request started the handover (false: it was already under way or done). */
  started: boolean;
}

export async function requestOperator(
  deps: RequestOperatorDeps,
  input: RequestOperatorInput,
): Promise<OperatorRequestOutcome> {
  const { caller } = input;
  const policy = deps.retry ?? SEQ_CONFLICT_RETRY;
  const firstMessageId = deps.ids.newId();
  return withSeqRetry(deps.sleeper, policy, async () => {
    const target = await findConversation(deps, caller);
    const { conversation } = target;
    if (conversation.state !== 'bot' || conversation.intake) {
      return { frame: updated(conversation.conversationId, conversation.state), started: false };
    }
    const now = deps.clock.now();
    const expiresAt = expiresAfterDays(now, deps.retentionDays);
    // The conversation's topic decides the queue, as when the bot hands over on its own.
    const handover = deps.speaker.handOver(caller.lang, conversation.lastBotIntent);
    const recent = await recentCitizenMessages(deps.messages, conversation);
    const reason = input.reason?.trim();
    const turn = startEscalation(
      {
        opening: {
          text: handover.text,
          intent: handover.intent,
          confidence: handover.confidence,
          suggestions: [],
          escalate: true,
          category: handover.category,
        },
        reason: 'citizen_request',
        category: requestCategory(categoryOf(handover.category), conversation),
        intent: handover.intent,
        lang: caller.lang,
        citizenMessages: reason ? [...recent.texts, reason] : recent.texts,
        attachmentIds: recent.attachmentIds,
        now,
      },
      deps.dialogue,
    );
    const memory = { lastBotIntent: handover.intent, consecutiveFallbacks: 0 };
    const planned = planTurn(conversation, turn, memory, firstMessageId, deps.ids, { now, expiresAt });
    const connections = deps.connections.listByPrincipal(caller.sessionId);
    connections.catch(() => undefined);
    const outcome = await deps.log.appendBotTurn({
      expected: conversation,
      next: planned.next,
      messages: planned.messages,
      ...(target.isNew ? { isNewConversation: true } : {}),
      ...(target.replacesConversationId ? { replacesConversationId: target.replacesConversationId } : {}),
    });
    if (outcome.status === 'appended') {
      await publishAndDeliver(
        deps,
        await connections,
        { ...planned, ...(planned.next.followUpsAt ? { followUpsAt: planned.next.followUpsAt } : {}) },
        input.connectionId,
      );
      return {
        frame: updated(conversation.conversationId, planned.next.state),
        ...(planned.escalation ? { escalation: planned.escalation } : {}),
        started: true,
      };
    }
    return LOST_RACE;
  });
}

/**
 * The category of a handover asked for with the button: the topic's (the bot's last recognised
 * intent, already in `fromTopic`); without one, that of the conversation's previous escalation (an
 * operator handed it back to the bot); else `general`.
 */
export function requestCategory(
  fromTopic: EscalationCategory,
  conversation: Pick<Conversation, 'escalation'>,
): EscalationCategory {
  if (fromTopic !== 'general') return fromTopic;
  return conversation.escalation?.event.category ?? 'general';
}

function updated(conversationId: string, state: Conversation['state']): OperatorRequestOutcome['frame'] {
  return { type: 'conversation.updated', conversationId, state };
}

/** The session's open conversation, or a new one with the bot (as `message.send` opens one). */
async function findConversation(deps: RequestOperatorDeps, caller: Caller): Promise<ConversationTarget> {
  const read = await deps.targets.read(caller.sessionId, undefined);
  const session = read.session ?? (await recreateSession(deps, caller));
  const now = deps.clock.now();
  const openId = session.openConversationId;
  if (openId !== undefined) {
    const open = await deps.conversations.get(openId);
    if (open && isOpen(open)) return { conversation: open, isNew: false };
  }
  return newConversationTarget({
    conversationId: deps.ids.newId(),
    sessionId: caller.sessionId,
    citizenId: session.citizenId,
    now,
    expiresAt: expiresAfterDays(now, deps.retentionDays),
    replacing: openId,
  });
}
