/**
 * The stored shape of the conversation's items (sessions, connections, conversations, messages,
 * idempotency keys), parsed once at the storage boundary. Items hold the domain objects' own field
 * names, so each schema mirrors a domain type. The other tables' items have modules of their own
 * (`ticket-items.ts`, `operator-items.ts`, `attachment-items.ts`, `desk-items.ts`): the schemas of
 * a module are all bundled with any one of them, and the message path's functions read none of
 * those (the bot worker's bundle is held to 250 KB, docs/requirements.md#numbers).
 */
import type { Conversation, PendingQuestion } from '#domain/conversations.ts';
import type { EscalationRecord, IntakeProgress } from '#domain/escalations.ts';
import type { BotReplyRef, MessageAck } from '#domain/idempotency.ts';
import type { StoredMessage } from '#domain/messages.ts';
import type { Connection, Session } from '#domain/sessions.ts';
import { roleSchema } from '#events/authorizer-context.ts';
import {
  escalationCategorySchema,
  escalationEventSchema,
  escalationReasonSchema,
} from '#events/escalation.ts';
import { followUpsSchema } from '#events/follow-ups.ts';
import { langSchema } from '#events/lang.ts';
import * as z from '#events/zod.ts';

const expiresAt = z.int();

const pendingQuestionItem: z.ZodMiniType<PendingQuestion> = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  seq: z.int().check(z.positive()),
  lang: langSchema,
  expiresAt: z.int(),
});

export const sessionItem: z.ZodMiniType<Session> = z.object({
  sessionId: z.string(),
  lang: langSchema,
  verified: z.boolean(),
  citizenId: z.optional(z.string()),
  maskedPhone: z.optional(z.string()),
  openConversationId: z.optional(z.string()),
  verifiedConnectionId: z.optional(z.string()),
  endedAt: z.optional(z.string()),
  // Written by versions before the conversation held it: read until it expires.
  pendingQuestion: z.optional(pendingQuestionItem),
  createdAt: z.string(),
  expiresAt,
});

export const connectionItem: z.ZodMiniType<Connection> = z.object({
  connectionId: z.string(),
  principalId: z.string(),
  sessionId: z.string(),
  role: roleSchema,
  lang: langSchema,
  connectedAt: z.string(),
  expiresAt,
});

const intakeFieldSchema = z.enum([
  'service',
  'problem',
  'occurredAt',
  'errorCode',
  'desiredResult',
  'attachments',
]);

const intakeProgressItem: z.ZodMiniType<IntakeProgress> = z.object({
  reason: escalationReasonSchema,
  category: escalationCategorySchema,
  intent: z.optional(z.string()),
  lang: langSchema,
  state: z.object({
    intake: z.object({
      service: z.optional(z.string()),
      problem: z.optional(z.string()),
      occurredAt: z.optional(z.string()),
      errorCode: z.optional(z.string()),
      desiredResult: z.optional(z.string()),
      attachmentIds: z.optional(z.array(z.string())),
    }),
    fields: z.optional(z.array(intakeFieldSchema)),
    skipped: z.array(intakeFieldSchema),
    pending: z.optional(intakeFieldSchema),
  }),
  fallbackProblem: z.string(),
  startedAt: z.string(),
});

const escalationRecordItem: z.ZodMiniType<EscalationRecord> = z.object({
  event: escalationEventSchema,
  seq: z.int().check(z.positive()),
});

export const conversationItem: z.ZodMiniType<Conversation> = z.object({
  conversationId: z.string(),
  sessionId: z.string(),
  state: z.enum(['bot', 'queued', 'operator', 'closed']),
  lastSeq: z.int().check(z.gte(0)),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt,
  citizenId: z.optional(z.string()),
  lastBotIntent: z.optional(z.string()),
  consecutiveFallbacks: z.optional(z.int().check(z.gte(0))),
  intake: z.optional(intakeProgressItem),
  escalation: z.optional(escalationRecordItem),
  category: z.optional(z.string()),
  operatorId: z.optional(z.string()),
  operatorName: z.optional(z.string()),
  assignedAt: z.optional(z.string()),
  ticketId: z.optional(z.string()),
  ticketNumber: z.optional(z.string()),
  queue: z.optional(z.string()),
  queuedAt: z.optional(z.string()),
  queueEntryId: z.optional(z.string()),
  assignedQueue: z.optional(z.string()),
  dispatchedAttempt: z.optional(z.int().check(z.positive())),
  slaBreachedAt: z.optional(z.string()),
  slaBreachedEntryId: z.optional(z.string()),
  slaBreachCountedEntryId: z.optional(z.string()),
  firstReplyCheckedFor: z.optional(z.string()),
  firstOperatorReplyAt: z.optional(z.string()),
  acceptedAt: z.optional(z.string()),
  acceptDueAt: z.optional(z.string()),
  lastOperatorReplyAt: z.optional(z.string()),
  queueEnteredAt: z.optional(z.string()),
  followUps: z.optional(followUpsSchema),
  followUpsAt: z.optional(z.string()),
  pendingQuestion: z.optional(pendingQuestionItem),
});

/**
 * A message's long fields: what `message-body.ts` stores compressed as one Binary `body` when they
 * are long, and plain otherwise.
 */
export const messageBodyItem = z.object({
  text: z.string(),
  suggestions: z.optional(z.array(z.object({ intent: z.string(), title: z.string() }))),
});
export type MessageBody = z.infer<typeof messageBodyItem>;

/** Where the bot's answer to a citizen message stored with it is (`StoredMessage.reply`). */
export const replyPlaceItem = z.object({
  seq: z.int().check(z.positive()),
  count: z.optional(z.int().check(z.positive())),
  redeliveredAt: z.optional(z.string()),
});

/** `bot#{messageId}`: the bot's reply stored on its own, the same place with its conversation. */
export const botReplyItem: z.ZodMiniType<BotReplyRef> = z.extend(replyPlaceItem, {
  conversationId: z.string(),
  messageId: z.optional(z.string()),
});

/** A message with its body plain: read only through `message-body.ts`, which decodes `body` first. */
export const messageItem: z.ZodMiniType<StoredMessage> = z.object({
  ...messageBodyItem.shape,
  conversationId: z.string(),
  seq: z.int().check(z.positive()),
  messageId: z.string(),
  from: z.enum(['citizen', 'bot', 'operator', 'system']),
  senderId: z.string(),
  ts: z.string(),
  expiresAt,
  clientMessageId: z.optional(z.string()),
  attachments: z.optional(z.array(z.string())),
  operatorName: z.optional(z.string()),
  intent: z.optional(z.string()),
  confidence: z.optional(z.number()),
  escalate: z.optional(z.boolean()),
  category: z.optional(z.string()),
  reply: z.optional(replyPlaceItem),
});

export const ackItem: z.ZodMiniType<MessageAck> = z.object({
  clientMessageId: z.string(),
  messageId: z.string(),
  conversationId: z.string(),
  seq: z.int().check(z.positive()),
  ts: z.string(),
});
