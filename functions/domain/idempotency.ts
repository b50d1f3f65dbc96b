/**
 * Idempotency keys and what they remember. A key is written in the same transaction as the
 * message it guards, so "the key exists" and "the message is stored" are one fact.
 */
import type { MessageAckFrame } from '#events/server-frames.ts';

/** The ack of a citizen or operator message, stored once and answered to every resend. */
export type MessageAck = Omit<MessageAckFrame, 'type' | 'requestId'>;

/**
 * Where the bot's reply to one citizen message was stored: from `seq`, `count` messages (a handover
 * and the first intake question are two; absent means one).
 */
export interface BotReplyRef {
  conversationId: string;
  seq: number;
  /** The reply's first message; not kept on a citizen message that holds its reply's place. */
  messageId?: string;
  count?: number;
  /** When the bot worker posted the stored reply again (`claimRedelivery`): it does so once at most. */
  redeliveredAt?: string;
}

/**
 * The ack with its fields in wire order. Stored items come back in any key order, and a resend must
 * answer the same bytes as the first send.
 */
export function messageAck(fields: MessageAck): MessageAck {
  return {
    clientMessageId: fields.clientMessageId,
    messageId: fields.messageId,
    conversationId: fields.conversationId,
    seq: fields.seq,
    ts: fields.ts,
  };
}

export function sentMessageKey(senderId: string, clientMessageId: string): string {
  return `msg#${senderId}#${clientMessageId}`;
}

/**
 * The key of an operator's reply. Scoped to the conversation as well as the operator: an operator
 * works several conversations at once, and a console that numbers its messages per conversation
 * must not have a reply in one taken for a resend of a reply in another.
 */
export function operatorReplyKey(
  operatorId: string,
  conversationId: string,
  clientMessageId: string,
): string {
  return `reply#${operatorId}#${conversationId}#${clientMessageId}`;
}

export function botReplyKey(citizenMessageId: string): string {
  return `bot#${citizenMessageId}`;
}

/** The key of a bot job's reply: a message answered again after identification has its own. */
export function botJobReplyKey(job: { messageId: string; afterIdentification?: true }): string {
  return job.afterIdentification ? `${botReplyKey(job.messageId)}#identified` : botReplyKey(job.messageId);
}

/**
 * The key of one `auth.requestCode`: the session's own requestId, for that destination (its keyed
 * hash, never the phone or e-mail), so a client's requestId never meets another session's.
 */
export function codeRequestKey(sessionId: string, requestId: string, destinationKey: string): string {
  return `request#${sessionId}#${requestId}#${destinationKey}`;
}
