/**
 * Use case: the assigned operator answers the citizen (`operator.reply`).
 *
 * Primary course:
 *  1. Normalise the text (trimmed, 1–4000 characters, else BAD_REQUEST / PAYLOAD_TOO_LARGE); refuse
 *     any attachment id: operators do not upload files (only citizens do, `attachment.create`).
 *  2. Read the conversation (consistently): unknown → NOT_FOUND, closed → CONFLICT, not with the
 *     caller (another operator's, queued, transferred) → FORBIDDEN — unless the key below already
 *     holds an ack: a resend of a reply stored before the conversation closed or moved on answers it.
 *  3. Commit, in one transaction: the conversation's `lastSeq + 1` on the condition that it is still
 *     with the caller, the message (`from: operator`, the caller's display name) with that `seq`, and
 *     the idempotency key `reply#{operatorId}#{conversationId}#{clientMessageId}` holding the ack.
 *     The first reply of the conversation also stamps `firstOperatorReplyAt`.
 *  4. Push the `message` to every connection of the citizen's session (a gone one is removed), and
 *     to the operator's other connections (another tab or device). A citizen with none is told out of
 *     band by the desk relay, from the stored message's stream record.
 *  5. Answer the ack, and on the first reply the first-response time (from the assignment).
 *
 * Repeated clientMessageId: step 3 finds the key, nothing is written, the stored ack is answered
 * (the message was pushed by the first attempt, and history has it).
 * Lost race (the citizen or another writer moved `lastSeq`, or the conversation left the caller):
 * nothing was written; back off and start again from step 2, which answers FORBIDDEN if it is no
 * longer the caller's.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { MessageFrame } from '#events/server-frames.ts';
import { nextSeq } from '../conversations.ts';
import { type MessageAck, operatorReplyKey } from '../idempotency.ts';
import {
  normalizeMessageText,
  refuseUnknownAttachments,
  type StoredMessage,
  toChatMessage,
} from '../messages.ts';
import { displayNameOf, isAssignedTo, requireAssignedTo } from '../ownership.ts';
import type { ConversationLog, ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator, Sleeper } from '../ports/system.ts';
import { expiresAfterDays, expiresAfterSeconds, IDEMPOTENCY_TTL_SECONDS } from '../retention.ts';
import { LOST_RACE, type RetryPolicy, SEQ_CONFLICT_RETRY, withSeqRetry } from '../retry.ts';
import { type Delivery, postToAll } from './post-frames.ts';

export interface ReplyAsOperatorDeps {
  conversations: ConversationRepository;
  log: ConversationLog;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  clock: Clock;
  ids: IdGenerator;
  sleeper: Sleeper;
  retentionDays: number;
  retry?: RetryPolicy;
}

export interface ReplyAsOperatorInput {
  caller: Caller;
  /** The caller's connection: it gets the ack, not the pushed copy its other consoles get. */
  connectionId?: string;
  conversationId: string;
  clientMessageId: string;
  text: string;
  attachmentIds?: string[];
}

export interface ReplyOutcome {
  ack: MessageAck;
  /** False for a repeated clientMessageId: nothing was stored or pushed. */
  stored: boolean;
  /** Set on the conversation's first operator reply: milliseconds since the assignment. */
  firstResponseMs?: number;
  ticketId?: string;
  delivery?: Delivery;
}

export async function replyAsOperator(
  deps: ReplyAsOperatorDeps,
  input: ReplyAsOperatorInput,
): Promise<ReplyOutcome> {
  const text = normalizeMessageText(input.text);
  refuseUnknownAttachments(input.attachmentIds);
  const { caller } = input;
  const operatorId = caller.principalId;
  const idempotencyKey = operatorReplyKey(operatorId, input.conversationId, input.clientMessageId);
  const messageId = deps.ids.newId();

  return withSeqRetry(deps.sleeper, deps.retry ?? SEQ_CONFLICT_RETRY, async () => {
    const read = await deps.conversations.get(input.conversationId);
    if (read && !isAssignedTo(read, operatorId)) {
      // A resend of a reply stored before the conversation closed or moved on answers its ack.
      const previous = await deps.log.findAck(idempotencyKey);
      if (previous) return { ack: previous, stored: false };
    }
    const conversation = requireAssignedTo(read, caller);
    const now = deps.clock.now();
    const ts = now.toISOString();
    const expiresAt = expiresAfterDays(now, deps.retentionDays);
    const seq = nextSeq(conversation);
    const message: StoredMessage = {
      conversationId: conversation.conversationId,
      seq,
      messageId,
      from: 'operator',
      senderId: operatorId,
      operatorName: displayNameOf(caller),
      text,
      ts,
      expiresAt,
      clientMessageId: input.clientMessageId,
      ...(input.attachmentIds?.length ? { attachments: input.attachmentIds } : {}),
    };
    const ack: MessageAck = {
      clientMessageId: input.clientMessageId,
      messageId,
      conversationId: conversation.conversationId,
      seq,
      ts,
    };
    const isFirstReply = conversation.firstOperatorReplyAt === undefined;
    const outcome = await deps.log.appendOperatorMessage({
      conversation,
      operatorId,
      message,
      idempotencyKey,
      ack,
      idempotencyExpiresAt: expiresAfterSeconds(now, IDEMPOTENCY_TTL_SECONDS),
      ...(isFirstReply ? { firstReplyAt: ts } : {}),
    });
    if (outcome.status === 'duplicate') return { ack: outcome.previous, stored: false };
    if (outcome.status === 'conflict') return LOST_RACE;

    const [citizenConnections, operatorConnections] = await Promise.all([
      deps.connections.listByPrincipal(conversation.sessionId),
      deps.connections.listByPrincipal(operatorId),
    ]);
    const frame: MessageFrame = { type: 'message', ...toChatMessage(message) };
    const [[delivery]] = await Promise.all([
      postToAll(deps, citizenConnections, frame),
      // The operator's other consoles (tabs, devices) show the reply too; the caller has the ack.
      postToAll(
        deps,
        operatorConnections.filter((c) => c.connectionId !== input.connectionId),
        frame,
      ),
    ]);
    const assignedAt =
      conversation.assignedAt === undefined ? undefined : Date.parse(conversation.assignedAt);
    return {
      ack,
      stored: true,
      delivery,
      ...(conversation.ticketId === undefined ? {} : { ticketId: conversation.ticketId }),
      ...(isFirstReply && assignedAt !== undefined && !Number.isNaN(assignedAt)
        ? { firstResponseMs: Math.max(0, now.getTime() - assignedAt) }
        : {}),
    };
  });
}
