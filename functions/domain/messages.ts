/**
 * Messages of a conversation: the stored shape, the text rules (trimmed, 1–4000 characters) and
 * the mapping to the PROTOCOL `message` shape. Sequence numbers are allocated by the conversation
 * (`functions/domain/conversations.ts`), never here.
 */

import type { ChatMessage, MessageAuthor, Suggestion } from '#events/chat-message.ts';
import type { Lang } from '#events/lang.ts';
import { exceedsCharacters } from './characters.ts';
import { badRequest, ChatError } from './errors.ts';

export const MAX_TEXT_LENGTH = 4000;

export interface StoredMessage {
  conversationId: string;
  seq: number;
  messageId: string;
  from: MessageAuthor;
  /** sessionId of a citizen, `sub` of an operator, `bot` for the bot. */
  senderId: string;
  text: string;
  ts: string;
  expiresAt: number;
  clientMessageId?: string;
  /** A citizen message's session and language: what a bot job needs, kept so the outbox can build it. */
  sessionId?: string;
  lang?: Lang;
  /**
   * `bot` on a citizen message stored alone (not with its answer) while its conversation was with
   * the bot: the message is its own outbox entry, and its stream record makes sure the bot gets the
   * job even if `message.send` died before queueing it (functions/handlers/bot-outbox.ts). `operator` on a
   * citizen message committed while the conversation was queued or with an operator: its stream
   * record makes the desk relay push it to the assigned operator (functions/handlers/desk-relay.ts).
   * Never sent to clients.
   */
  outbox?: 'bot' | 'operator';
  /**
   * Written by the previous version only, on a citizen message it answered after storing it: the
   * deadline (epoch ms) of that invocation. The bot outbox leaves the message to that turn until its
   * reply is stored or the deadline has passed (docs/architecture.md, "The outbox"). `message.send`
   * now stores a message it answers together with its answer. Never sent to clients.
   */
  turnBy?: number;
  /**
   * On a citizen message stored together with the bot's answer (`message.send`'s own turn): where
   * that answer is (its first seq, and how many messages when more than one), and `redeliveredAt`
   * once the bot worker has posted it again (once at most). It says the message is answered, as
   * `bot#{messageId}` does for a reply stored on its own; a few bytes, kept as long as the message.
   * Never sent to clients.
   */
  reply?: { seq: number; count?: number; redeliveredAt?: string };
  attachments?: string[];
  /** An operator's message: the name the citizen sees (`operator.displayName` on the wire). */
  operatorName?: string;
  intent?: string;
  confidence?: number;
  suggestions?: Suggestion[];
  /** Bot metadata kept for escalation (a later issue); never sent to clients. */
  escalate?: boolean;
  category?: string;
}

/**
 * Trims the text and enforces its length. Length counts Unicode code points, so an emoji is one
 * character as the citizen sees it.
 */
export function normalizeMessageText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) {
    throw badRequest([{ field: 'text', problem: 'empty after trimming' }]);
  }
  if (exceedsCharacters(trimmed, MAX_TEXT_LENGTH)) {
    throw new ChatError('PAYLOAD_TOO_LARGE', {
      details: [{ field: 'text', problem: `longer than ${MAX_TEXT_LENGTH} characters` }],
    });
  }
  return trimmed;
}

/** The PROTOCOL `message` shape: internal fields (senderId, clientMessageId, bot metadata) stay out. */
export function toChatMessage(message: StoredMessage): ChatMessage {
  const chat: ChatMessage = {
    conversationId: message.conversationId,
    messageId: message.messageId,
    seq: message.seq,
    from: message.from,
    text: message.text,
    ts: message.ts,
  };
  if (message.attachments?.length) chat.attachments = message.attachments;
  if (message.intent !== undefined) chat.intent = message.intent;
  if (message.confidence !== undefined) chat.confidence = message.confidence;
  if (message.suggestions !== undefined) chat.suggestions = message.suggestions;
  if (message.operatorName !== undefined) chat.operator = { displayName: message.operatorName };
  return chat;
}

/**
 * Operators do not upload attachments (only citizens do: `attachment.create`,
 * docs/requirements.md#attachments), so an `operator.reply` naming any attachment id is refused;
 * storing ids nobody checked would let a reply point at a citizen's file of another conversation.
 */
export function refuseUnknownAttachments(attachmentIds: string[] | undefined): void {
  if (!attachmentIds?.length) return;
  throw badRequest(
    attachmentIds.map((_, i) => ({
      field: `attachmentIds.${i}`,
      problem: 'operators do not attach files',
    })),
  );
}
