/**
 * Frames of the operator's desk and of the citizen's side of it (docs/protocol.md): what an operator does
 * with an assigned conversation (`operator.reply`, `operator.note`, `operator.transfer`,
 * `canned.list`), `typing` from either side, and `push.register` (a citizen's device for offline
 * notifications). Client frames are zod schemas each route parses once; server frames are the
 * answers and pushes, in wire order.
 */
import { frameEnvelopeSchema } from './client-frames.ts';
import { escalationCategorySchema } from './escalation.ts';
import { langSchema } from './lang.ts';
import * as z from './zod.ts';

const conversationId = z.string().check(z.minLength(1), z.maxLength(64));

/**
 * An operator's message to the citizen. As for `message.send`, `text` is only typed here: trimming
 * and the 1–4000 limit are the domain's (BAD_REQUEST / PAYLOAD_TOO_LARGE).
 */
export const operatorReplyFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('operator.reply'),
  conversationId,
  clientMessageId: z.string().check(z.minLength(1), z.maxLength(64)),
  text: z.string(),
  attachmentIds: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(10)),
  ),
});

/** An internal note on a conversation: operators see it, the citizen never does. Same text rules. */
export const operatorNoteFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('operator.note'),
  conversationId,
  text: z.string(),
});

/** Where a conversation may be transferred: the senior queue or a category's queue. */
export const transferTargetSchema = z.union([z.literal('senior'), escalationCategorySchema]);
export type TransferTarget = z.infer<typeof transferTargetSchema>;

/** Why a transfer is made, for the next operator (an internal note; never shown to the citizen). */
const MAX_TRANSFER_REASON_LENGTH = 1000;

export const operatorTransferFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('operator.transfer'),
  conversationId,
  to: transferTargetSchema,
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_TRANSFER_REASON_LENGTH)),
});

/**
 * Canned answers matching `query` (all of them, by title, without one), in `lang` — the language of
 * the conversation they are for — or else the operator's connection language.
 */
export const cannedListFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('canned.list'),
  query: z.optional(z.string().check(z.maxLength(200))),
  lang: z.optional(langSchema),
});

/** "I am typing" in a conversation, relayed to the other side (throttled). */
export const typingFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('typing'),
  conversationId,
});

export const pushPlatformSchema = z.enum(['fcm', 'apns']);
export type PushPlatform = z.infer<typeof pushPlatformSchema>;

/**
 * A device to reach an offline citizen on. The token is the FCM registration token or the APNs
 * device token (hex); a secret of the device, never logged.
 */
export const pushRegisterFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('push.register'),
  platform: pushPlatformSchema,
  deviceToken: z
    .string()
    .check(
      z.trim(),
      z.minLength(8),
      z.maxLength(4096),
      z.regex(/^[A-Za-z0-9:_\-.]+$/, 'letters, digits and : _ - . only'),
    ),
});

// Server → client.

export interface NoteAckFrame {
  type: 'note.ack';
  requestId?: string;
  conversationId: string;
  noteId: string;
  ts: string;
}

/** The answer of `operator.transfer`: the conversation left the caller's desk for `to`'s queue. */
export interface ConversationTransferredFrame {
  type: 'conversation.transferred';
  requestId?: string;
  conversationId: string;
  to: TransferTarget;
  ts: string;
}

export interface CannedAnswer {
  id: string;
  title: string;
  text: string;
}

export interface CannedFrame {
  type: 'canned';
  requestId?: string;
  items: CannedAnswer[];
}

/** Pushed to the other side of a conversation while someone types. */
export interface TypingEventFrame {
  type: 'typing';
  conversationId: string;
  from: 'citizen' | 'operator';
}

export interface PushRegisteredFrame {
  type: 'push.registered';
  requestId?: string;
  platform: PushPlatform;
}

/** An internal note as operators see it (in `conversation.assigned`, never in the citizen's history). */
export interface InternalNote {
  conversationId: string;
  noteId: string;
  kind: 'note' | 'transfer';
  text: string;
  ts: string;
  operator: { operatorId: string; displayName: string };
  /** For a transfer: the queue it went to. */
  to?: TransferTarget;
}
