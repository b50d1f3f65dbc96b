/**
 * The stored shape of every item this service reads, parsed once at the storage boundary. Items
 * hold the domain objects' own field names, so each schema mirrors a domain type.
 */
import * as z from 'zod';
import type { Conversation } from '#domain/conversations.ts';
import type { BotReplyRef, MessageAck } from '#domain/idempotency.ts';
import type { StoredMessage } from '#domain/messages.ts';
import type { Connection, Session } from '#domain/sessions.ts';
import { roleSchema } from '#events/authorizer-context.ts';
import { langSchema } from '#events/lang.ts';

const expiresAt = z.number().int();

export const sessionItem: z.ZodType<Session> = z.object({
  sessionId: z.string(),
  lang: langSchema,
  verified: z.boolean(),
  citizenId: z.string().optional(),
  openConversationId: z.string().optional(),
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
});

export const messageItem: z.ZodType<StoredMessage> = z.object({
  conversationId: z.string(),
  seq: z.number().int().positive(),
  messageId: z.string(),
  from: z.enum(['citizen', 'bot', 'operator', 'system']),
  senderId: z.string(),
  text: z.string(),
  ts: z.string(),
  expiresAt,
  clientMessageId: z.string().optional(),
  attachments: z.array(z.string()).optional(),
  intent: z.string().optional(),
  confidence: z.number().optional(),
  suggestions: z.array(z.object({ intent: z.string(), title: z.string() })).optional(),
  escalate: z.boolean().optional(),
  category: z.string().optional(),
});

export const ackItem: z.ZodType<MessageAck> = z.object({
  clientMessageId: z.string(),
  messageId: z.string(),
  conversationId: z.string(),
  seq: z.number().int().positive(),
  ts: z.string(),
});

export const botReplyItem: z.ZodType<BotReplyRef> = z.object({
  conversationId: z.string(),
  seq: z.number().int().positive(),
  messageId: z.string(),
});
