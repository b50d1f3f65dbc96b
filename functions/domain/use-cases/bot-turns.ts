/**
 * What every bot turn does around its commit, shared by the bot worker (`answer-citizen-message`)
 * and `operator.request` (`request-operator`): number the bot's messages after the conversation's
 * `lastSeq`, compute the conversation after the turn (bot memory, intake, `queued` with its
 * escalation), and after the commit publish the escalation, then deliver the messages in order and
 * the `conversation.updated` frame to every connection of the session.
 */
import type { EscalationEvent } from '#events/escalation.ts';
import type { ConversationUpdatedFrame, MessageFrame } from '#events/server-frames.ts';
import type { Conversation } from '../conversations.ts';
import { type BotSaying, type EscalationTurn, escalationRecord } from '../escalations.ts';
import { type StoredMessage, toChatMessage } from '../messages.ts';
import type { EscalationQueue } from '../ports/bot.ts';
import type { MessageRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { IdGenerator } from '../ports/system.ts';
import type { Connection } from '../sessions.ts';
import { type Delivery, postToAll } from './post-frames.ts';

export type { Delivery };

/** The bot's own sender id on stored messages. */
export const BOT_SENDER_ID = 'bot';

/** How far back the intake looks for what the citizen already said. */
const INTAKE_LOOKBACK_MESSAGES = 40;

export interface PlannedTurn {
  messages: StoredMessage[];
  next: Conversation;
  escalation?: EscalationEvent;
}

export interface TurnClock {
  now: Date;
  expiresAt: number;
}

/**
 * The messages of a turn (seq after `conversation.lastSeq`; the first keeps `firstMessageId`, so a
 * retried commit reuses it) and the conversation after it. An escalating turn queues it.
 */
export function planTurn(
  conversation: Conversation,
  turn: EscalationTurn,
  memory: Pick<Conversation, 'lastBotIntent' | 'consecutiveFallbacks'>,
  firstMessageId: string,
  ids: IdGenerator,
  clock: TurnClock,
): PlannedTurn {
  const ts = clock.now.toISOString();
  const messages = turn.says.map((saying, index) =>
    botMessage(conversation, saying, conversation.lastSeq + 1 + index, {
      messageId: index === 0 ? firstMessageId : ids.newId(),
      ts,
      expiresAt: clock.expiresAt,
    }),
  );
  const lastSeq = conversation.lastSeq + messages.length;
  const { intake: _previous, ...rest } = conversation;
  const next: Conversation = {
    ...rest,
    lastSeq,
    updatedAt: ts,
    expiresAt: clock.expiresAt,
    ...memory,
    ...(turn.intake ? { intake: turn.intake } : {}),
  };
  if (!turn.escalation) return { messages, next };
  const record = escalationRecord(turn.escalation, conversation, lastSeq, clock.now);
  return {
    messages,
    next: {
      ...next,
      state: 'queued',
      escalation: record,
      category: record.event.category,
      // The ledger: the escalation must be published; written with the turn, cleared once it is.
      followUps: { escalation: { attempt: record.event.attempt } },
      followUpsAt: ts,
    },
    escalation: record.event,
  };
}

function botMessage(
  conversation: Conversation,
  saying: BotSaying,
  seq: number,
  fields: { messageId: string; ts: string; expiresAt: number },
): StoredMessage {
  return {
    conversationId: conversation.conversationId,
    seq,
    messageId: fields.messageId,
    from: 'bot',
    senderId: BOT_SENDER_ID,
    text: saying.text,
    ts: fields.ts,
    expiresAt: fields.expiresAt,
    ...(saying.intent !== undefined ? { intent: saying.intent } : {}),
    ...(saying.confidence !== undefined ? { confidence: saying.confidence } : {}),
    ...(saying.suggestions !== undefined ? { suggestions: saying.suggestions } : {}),
    ...(saying.escalate !== undefined ? { escalate: saying.escalate } : {}),
    ...(saying.category !== undefined ? { category: saying.category } : {}),
  };
}

/**
 * The citizen's recent messages (texts, and attachments), oldest first: what the intake pre-fills
 * from. `exceptSeq`: a message that only asked for the handover («позовите оператора», «не помогло»)
 * and describes nothing.
 */
export async function recentCitizenMessages(
  messages: MessageRepository,
  conversation: Conversation,
  exceptSeq?: number,
  /** The message being answered, which `message.send` stores only with the turn: read or not, it counts. */
  answering?: StoredMessage,
): Promise<{ texts: string[]; attachmentIds: string[] }> {
  if (conversation.lastSeq === 0) return { texts: [], attachmentIds: [] };
  const from = Math.max(0, conversation.lastSeq - INTAKE_LOOKBACK_MESSAGES);
  const page = await messages.listAfter(conversation.conversationId, from, INTAKE_LOOKBACK_MESSAGES);
  const read = page.messages.filter((m) => m.seq !== answering?.seq);
  const all = answering ? [...read, answering].sort((a, b) => a.seq - b.seq) : read;
  const citizen = all.filter((m) => m.from === 'citizen' && m.seq !== exceptSeq);
  return {
    texts: citizen.map((m) => m.text),
    attachmentIds: citizen.flatMap((m) => m.attachments ?? []),
  };
}

export interface AfterCommitDeps {
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  escalations: EscalationQueue;
  /** Clears the escalation's follow-up once published (a crash before leaves it to the reconciler). */
  ledger: Pick<FollowUpLedger, 'clear'>;
}

/**
 * After the commit: the escalation is published first (a failure throws, and the retry of the job
 * or request publishes again: deduplication drops a copy), then the messages go out in seq order and
 * `conversation.updated` follows. A connection listed in `except` (the caller of a route, which gets
 * the update as its answer) is not sent the update.
 */
export async function publishAndDeliver(
  deps: AfterCommitDeps,
  connections: Connection[],
  /** `followUpsAt`: when the turn's escalation follow-up was written (cleared once published). */
  turn: { messages: StoredMessage[]; escalation?: EscalationEvent; followUpsAt?: string },
  except?: string,
): Promise<Delivery> {
  await publishEscalation(deps, turn);
  return deliverTurn(deps, connections, turn, except);
}

/** The turn's escalation, if any, on the escalation queue (deduplicated), and its follow-up cleared. */
export async function publishEscalation(
  deps: Pick<AfterCommitDeps, 'escalations' | 'ledger'>,
  turn: { escalation?: EscalationEvent; followUpsAt?: string },
): Promise<void> {
  if (!turn.escalation) return;
  await deps.escalations.publish(turn.escalation);
  if (turn.followUpsAt) await deps.ledger.clear(turn.escalation.conversationId, turn.followUpsAt);
}

/** The turn's messages in seq order to every connection, then `conversation.updated` if it queued the conversation. */
export async function deliverTurn(
  deps: Pick<AfterCommitDeps, 'connections' | 'notifier'>,
  connections: Connection[],
  turn: { messages: StoredMessage[]; escalation?: EscalationEvent },
  except?: string,
): Promise<Delivery> {
  const total: Delivery = { delivered: 0, gone: 0, failed: 0 };
  let live = connections;
  const add = (delivery: Delivery, gone: Set<string>) => {
    total.delivered += delivery.delivered;
    total.gone += delivery.gone;
    total.failed += delivery.failed;
    live = live.filter((c) => !gone.has(c.connectionId));
  };
  for (const message of turn.messages) {
    const frame: MessageFrame = { type: 'message', ...toChatMessage(message) };
    add(...(await postToAll(deps, live, frame)));
  }
  if (turn.escalation) {
    const update: ConversationUpdatedFrame = {
      type: 'conversation.updated',
      conversationId: turn.escalation.conversationId,
      state: 'queued',
    };
    add(
      ...(await postToAll(
        deps,
        live.filter((c) => c.connectionId !== except),
        update,
      )),
    );
  }
  return total;
}
