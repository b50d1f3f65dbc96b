/**
 * Handing a conversation from the bot to a person: why, to which category, and the intake the bot
 * collects first (docs/protocol.md intake). Pure: it plans what the bot says and what the conversation
 * becomes; the use cases store the plan in one transaction and then publish the escalation.
 *
 * Primary course of an escalation:
 *  1. `startEscalation`: the bot's handover message (with the recognised intent), then the intake
 *     starts pre-filled from the conversation, and the first question is asked — or, with nothing
 *     left to ask, the conversation is queued at once;
 *  2. `continueIntake`, once per citizen message: the answer (or a skip) is taken and the next
 *     question asked, in the session language;
 *  3. when no question is left (or the citizen skipped the rest): the thank-you message, and the
 *     conversation becomes `queued` with the intake and the escalation event stored on it.
 *
 * How much is asked depends on why (INTAKE_BY_REASON): the intake collects what an operator needs,
 * lets the citizen skip any question, and never asks for what the conversation already contains.
 */

import type { Suggestion } from '#events/chat-message.ts';
import {
  type CollectedIntake,
  type EscalationCategory,
  type EscalationEvent,
  type EscalationReason,
  escalationCategorySchema,
} from '#events/escalation.ts';
import type { Lang } from '#events/lang.ts';
import {
  answerIntake,
  type EscalationReason as BotEscalationReason,
  type Dialogue,
  type IntakeField,
  type IntakeState,
  nextIntakeQuestion,
  startIntake,
} from './bot/index.ts';

/** An intake in progress, stored on the conversation between the citizen's answers. */
export interface IntakeProgress {
  reason: EscalationReason;
  category: EscalationCategory;
  /** The intent the bot recognised when it decided to hand over. */
  intent?: string;
  lang: Lang;
  state: IntakeState;
  /** The citizen's own words that led here: the `problem` when they skip that question. */
  fallbackProblem: string;
  startedAt: string;
}

/** The escalation a queued conversation carries, and the seq of the bot message that queued it. */
export interface EscalationRecord {
  event: EscalationEvent;
  /** The bot message stored with the change to `queued`: a redelivery of it publishes again. */
  seq: number;
}

/** What an escalation is recorded against: a conversation, with the escalation it carries if any. */
export interface EscalatingConversation {
  conversationId: string;
  sessionId: string;
  escalation?: EscalationRecord;
}

/** One message the bot says in a turn; the use case gives it its seq. */
export interface BotSaying {
  text: string;
  intent?: string;
  confidence?: number;
  suggestions?: Suggestion[];
  escalate?: boolean;
  category?: string;
}

/** What one bot turn says and leaves behind. */
export interface EscalationTurn {
  says: BotSaying[];
  /** The intake still running after this turn; undefined when none is. */
  intake?: IntakeProgress;
  /** Set when this turn queues the conversation. */
  escalation?: EscalationDraft;
}

/** The escalation event without what the conversation and the commit add. */
export type EscalationDraft = Pick<EscalationEvent, 'category' | 'reason' | 'intent' | 'intake' | 'lang'>;

/**
 * Questions per reason. Asked for a person (or `operator.request`): the citizen wants someone now,
 * so only what the operator cannot start without — the service, what failed, when, the error code.
 * An operator-only intent (a complaint, a refusal): the facts of the case and what the citizen wants
 * done; an error code means nothing there. The bot failed (not helped, two fallbacks): the full
 * intake, since the operator starts from scratch. Attachments are asked only there: uploading
 * (`attachment.create`) is a later issue, and a question the citizen cannot act on is noise.
 */
const INTAKE_BY_REASON: Record<EscalationReason, readonly IntakeField[]> = {
  citizen_request: ['service', 'problem', 'occurredAt', 'errorCode'],
  operator_only: ['service', 'problem', 'occurredAt', 'desiredResult'],
  not_helped: ['service', 'problem', 'occurredAt', 'errorCode', 'desiredResult', 'attachments'],
  repeated_fallback: ['service', 'problem', 'occurredAt', 'errorCode', 'desiredResult', 'attachments'],
};

/** The bot's reasons in the escalation event's words. */
const REASONS: Record<BotEscalationReason, EscalationReason> = {
  asked_for_person: 'citizen_request',
  repeat_problem: 'not_helped',
  repeated_fallback: 'repeated_fallback',
  operator_only: 'operator_only',
};

export function escalationReasonOf(reason: BotEscalationReason | undefined): EscalationReason {
  return reason === undefined ? 'citizen_request' : REASONS[reason];
}

export function categoryOf(category: string): EscalationCategory {
  const parsed = escalationCategorySchema.safeParse(category);
  return parsed.success ? parsed.data : 'general';
}

export interface EscalationStart {
  /** The bot's handover message (its answer with "what happens next"). */
  opening: BotSaying;
  reason: EscalationReason;
  category: EscalationCategory;
  intent?: string;
  lang: Lang;
  /** The title of the recognised problem, to pre-fill `service` (not for operator-only intents). */
  service?: string;
  /** The citizen's messages that may describe the problem, oldest first. */
  citizenMessages: readonly string[];
  /** The message that only asked for the handover («позовите оператора»): kept, never a description. */
  trigger?: string;
  attachmentIds?: readonly string[];
  now: Date;
}

export function startEscalation(start: EscalationStart, dialogue: Dialogue): EscalationTurn {
  const state = startIntake({
    // An operator-only intent's title names the kind of request («Жалоба»), not the service concerned.
    ...(start.service && start.reason !== 'operator_only' ? { service: start.service } : {}),
    citizenMessages: start.citizenMessages,
    ...(start.attachmentIds ? { attachmentIds: start.attachmentIds } : {}),
    fields: INTAKE_BY_REASON[start.reason],
  });
  const progress: IntakeProgress = {
    reason: start.reason,
    category: start.category,
    ...(start.intent ? { intent: start.intent } : {}),
    lang: start.lang,
    state,
    fallbackProblem: fallbackProblem(start),
    startedAt: start.now.toISOString(),
  };
  return proceed([start.opening], progress, dialogue);
}

/** How many of the citizen's last messages stand for the problem when they skip that question. */
const FALLBACK_PROBLEM_MESSAGES = 3;

/** The citizen's own last words, so the operator always reads what they said, never a blank. */
function fallbackProblem(start: EscalationStart): string {
  const words = [...start.citizenMessages, ...(start.trigger ? [start.trigger] : [])]
    .map((text) => text.trim())
    .filter((text) => text.length > 0)
    .slice(-FALLBACK_PROBLEM_MESSAGES);
  return words.join('\n') || start.intent || 'support.operator';
}

/** Takes the citizen's message as the answer to the pending question and asks the next one. */
export function continueIntake(
  progress: IntakeProgress,
  text: string,
  attachmentIds: readonly string[],
  dialogue: Dialogue,
): EscalationTurn {
  const state = answerIntake(progress.state, text, attachmentIds);
  return proceed([], { ...progress, state }, dialogue);
}

function proceed(says: BotSaying[], progress: IntakeProgress, dialogue: Dialogue): EscalationTurn {
  const question = nextIntakeQuestion(progress.state, dialogue, progress.lang);
  if (question) {
    return { says: [...says, { text: question.text }], intake: { ...progress, state: question.state } };
  }
  return {
    says: [...says, { text: dialogue.intake.done[progress.lang] }],
    escalation: {
      category: progress.category,
      reason: progress.reason,
      ...(progress.intent ? { intent: progress.intent } : {}),
      intake: collected(progress),
      lang: progress.lang,
    },
  };
}

/** The intake as the operator receives it: `problem` is always there, in the citizen's words. */
function collected(progress: IntakeProgress): CollectedIntake {
  const { service, problem, occurredAt, errorCode, desiredResult, attachmentIds } = progress.state.intake;
  return {
    ...(service ? { service } : {}),
    problem: problem ?? progress.fallbackProblem,
    ...(occurredAt ? { occurredAt } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(desiredResult ? { desiredResult } : {}),
    ...(attachmentIds?.length ? { attachmentIds } : {}),
  };
}

/**
 * The escalation a conversation carries once queued. `attempt` counts the conversation's
 * escalations (a conversation an operator hands back to the bot may be escalated again), so the
 * event's deduplication id differs from the previous one's.
 */
export function escalationRecord(
  draft: EscalationDraft,
  conversation: EscalatingConversation,
  seq: number,
  now: Date,
): EscalationRecord {
  return {
    seq,
    event: {
      conversationId: conversation.conversationId,
      sessionId: conversation.sessionId,
      attempt: (conversation.escalation?.event.attempt ?? 0) + 1,
      ...draft,
      escalatedAt: now.toISOString(),
    },
  };
}
