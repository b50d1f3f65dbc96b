/**
 * Client → server frames of docs/protocol.md v1 implemented so far. Each route parses its frame with
 * its schema once; the handler and the domain only see the parsed type.
 */
import * as z from 'zod';

/** Fields every client frame may carry; `requestId` is echoed in the answer. */
export const frameEnvelopeSchema = z.object({
  action: z.string(),
  requestId: z.string().min(1).max(128).optional(),
});

export const helloFrameSchema = frameEnvelopeSchema.extend({
  action: z.literal('hello'),
});

/**
 * `text` is only typed here: trimming and the 1–4000 limit are message rules of the domain
 * (`functions/domain/messages.ts`), which answer an over-long text with PAYLOAD_TOO_LARGE rather
 * than BAD_REQUEST.
 */
export const messageSendFrameSchema = frameEnvelopeSchema.extend({
  action: z.literal('message.send'),
  clientMessageId: z.string().min(1).max(64),
  text: z.string(),
  attachmentIds: z.array(z.string().min(1).max(64)).max(10).optional(),
});

/**
 * A paging cursor as the client got it (`nextCursor` of `history`, `tickets`): opaque, sent back as
 * is. Its seal is checked by the domain (BAD_REQUEST on `cursor` when it was forged, changed,
 * another caller's or expired).
 */
export const pagingCursorSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9_.-]+$/, 'the nextCursor of an earlier answer, unchanged');

const HISTORY_DEFAULT_LIMIT = 50;
const HISTORY_MAX_LIMIT = 100;

export const historyGetFrameSchema = frameEnvelopeSchema.extend({
  action: z.literal('history.get'),
  conversationId: z.string().min(1).max(64),
  afterSeq: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(HISTORY_MAX_LIMIT).default(HISTORY_DEFAULT_LIMIT),
  /**
   * The `nextCursor` of the previous page (extension): the page after it, in place of `afterSeq`.
   * Opaque; its seal is checked by the domain (BAD_REQUEST on `cursor`).
   */
  cursor: pagingCursorSchema.optional(),
});

/**
 * `text` is the prefix the citizen is typing. As for `message.send`, it is only typed here: the
 * rules are the domain's (`functions/domain/use-cases/suggest-intents.ts`): empty or whitespace
 * only answers an empty list, over 200 characters after trimming is PAYLOAD_TOO_LARGE.
 */
export const suggestFrameSchema = frameEnvelopeSchema.extend({
  action: z.literal('suggest'),
  text: z.string(),
});

/**
 * The citizen asks for a person. `reason` is their own words, if the client asks for them; it is
 * never logged and pre-fills the intake's problem.
 */
export const operatorRequestFrameSchema = frameEnvelopeSchema.extend({
  action: z.literal('operator.request'),
  reason: z.string().max(4000).optional(),
});

/**
 * A frame that selected no route (`$default`): only the envelope is read, so the answer can echo
 * `requestId`; any `action`, or none, is an unknown one.
 */
export const unroutedFrameSchema = z.object({
  action: z.unknown().optional(),
  requestId: z.unknown().optional(),
});
