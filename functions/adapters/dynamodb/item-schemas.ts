/**
 * The stored shape of the conversation's items (sessions, connections, conversations, messages,
 * idempotency keys), parsed once at the storage boundary. Items hold the domain objects' own field
 * names, so each schema mirrors a domain type. The other tables' items have modules of their own
 * (`ticket-items.ts`, `operator-items.ts`, `attachment-items.ts`, `desk-items.ts`): the schemas of
 * a module are all bundled with any one of them, and the message path's functions read none of
 * those (the bot worker's bundle is held to 250 KB, docs/requirements.md#numbers).
 */
import * as z from 'zod';
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

const expiresAt = z.number().int();

const pendingQuestionItem: z.ZodType<PendingQuestion> = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  seq: z.number().int().positive(),
  lang: langSchema,
  expiresAt: z.number().int(),
});

export const sessionItem: z.ZodType<Session> = z.object({
  sessionId: z.string(),
  lang: langSchema,
  verified: z.boolean(),
  citizenId: z.string().optional(),
  maskedPhone: z.string().optional(),
  openConversationId: z.string().optional(),
  verifiedConnectionId: z.string().optional(),
  endedAt: z.string().optional(),
  // Written by versions before the conversation held it: read until it expires.
  pendingQuestion: pendingQuestionItem.optional(),
  createdAt: z.string(),
  expiresAt,
});

export const connectionItem: z.ZodType<Connection> = z.object({
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

const intakeProgressItem: z.ZodType<IntakeProgress> = z.object({
  reason: escalationReasonSchema,
  category: escalationCategorySchema,
  intent: z.string().optional(),
  lang: langSchema,
  state: z.object({
    intake: z.object({
      service: z.string().optional(),
      problem: z.string().optional(),
      occurredAt: z.string().optional(),
      errorCode: z.string().optional(),
      desiredResult: z.string().optional(),
      attachmentIds: z.array(z.string()).optional(),
    }),
    fields: z.array(intakeFieldSchema).optional(),
    skipped: z.array(intakeFieldSchema),
    pending: intakeFieldSchema.optional(),
  }),
  fallbackProblem: z.string(),
  startedAt: z.string(),
});

const escalationRecordItem: z.ZodType<EscalationRecord> = z.object({
  event: escalationEventSchema,
  seq: z.number().int().positive(),
});

export const conversationItem: z.ZodType<Conversation> = z.object({
  conversationId: z.string(),
  sessionId: z.string(),
  state: z.enum(['bot', 'queued', 'operator', 'closed']),
  lastSeq: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt,
  citizenId: z.string().optional(),
  lastBotIntent: z.string().optional(),
  consecutiveFallbacks: z.number().int().min(0).optional(),
  intake: intakeProgressItem.optional(),
  escalation: escalationRecordItem.optional(),
  category: z.string().optional(),
  operatorId: z.string().optional(),
  operatorName: z.string().optional(),
  assignedAt: z.string().optional(),
  ticketId: z.string().optional(),
  ticketNumber: z.string().optional(),
  queue: z.string().optional(),
  queuedAt: z.string().optional(),
  queueEntryId: z.string().optional(),
  assignedQueue: z.string().optional(),
  dispatchedAttempt: z.number().int().positive().optional(),
  slaBreachedAt: z.string().optional(),
  slaBreachedEntryId: z.string().optional(),
  slaBreachCountedEntryId: z.string().optional(),
  firstReplyCheckedFor: z.string().optional(),
  firstOperatorReplyAt: z.string().optional(),
  acceptedAt: z.string().optional(),
  acceptDueAt: z.string().optional(),
  lastOperatorReplyAt: z.string().optional(),
  queueEnteredAt: z.string().optional(),
  followUps: followUpsSchema.optional(),
  followUpsAt: z.string().optional(),
  pendingQuestion: pendingQuestionItem.optional(),
});

/**
 * A message's long fields: what `message-body.ts` stores compressed as one Binary `body` when they
 * are long, and plain otherwise.
 */
export const messageBodyItem = z.object({
  text: z.string(),
  suggestions: z.array(z.object({ intent: z.string(), title: z.string() })).optional(),
});
export type MessageBody = z.infer<typeof messageBodyItem>;

/** Where the bot's answer to a citizen message stored with it is (`StoredMessage.reply`). */
export const replyPlaceItem = z.object({
  seq: z.number().int().positive(),
  count: z.number().int().positive().optional(),
  redeliveredAt: z.string().optional(),
});

/** `bot#{messageId}`: the bot's reply stored on its own, the same place with its conversation. */
export const botReplyItem: z.ZodType<BotReplyRef> = replyPlaceItem.extend({
  conversationId: z.string(),
  messageId: z.string().optional(),
});

/** A message with its body plain: read only through `message-body.ts`, which decodes `body` first. */
export const messageItem: z.ZodType<StoredMessage> = z.object({
  ...messageBodyItem.shape,
  conversationId: z.string(),
  seq: z.number().int().positive(),
  messageId: z.string(),
  from: z.enum(['citizen', 'bot', 'operator', 'system']),
  senderId: z.string(),
  ts: z.string(),
  expiresAt,
  clientMessageId: z.string().optional(),
  attachments: z.array(z.string()).optional(),
  operatorName: z.string().optional(),
  intent: z.string().optional(),
  confidence: z.number().optional(),
  escalate: z.boolean().optional(),
  category: z.string().optional(),
  reply: replyPlaceItem.optional(),
});

export const ackItem: z.ZodType<MessageAck> = z.object({
  clientMessageId: z.string(),
  messageId: z.string(),
  conversationId: z.string(),
  seq: z.number().int().positive(),
  ts: z.string(),
});
