/**
 * Client → server frames of docs/protocol.md v1 implemented so far. Each route parses its frame with
 * its schema once; the handler and the domain only see the parsed type.
 */
import * as z from './zod.ts';

/** Fields every client frame may carry; `requestId` is echoed in the answer. */
export const frameEnvelopeSchema = z.object({
  action: z.string(),
  requestId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});

export const helloFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('hello'),
});

/**
 * `text` is only typed here: trimming and the 1–4000 limit are message rules of the domain
 * (`functions/domain/messages.ts`), which answer an over-long text with PAYLOAD_TOO_LARGE rather
 * than BAD_REQUEST.
 */
export const messageSendFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('message.send'),
  clientMessageId: z.string().check(z.minLength(1), z.maxLength(64)),
  text: z.string(),
  attachmentIds: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(10)),
  ),
});

/**
 * A paging cursor as the client got it (`nextCursor` of `history`, `tickets`): opaque, sent back as
 * is. Its seal is checked by the domain (BAD_REQUEST on `cursor` when it was forged, changed,
 * another caller's or expired).
 */
export const pagingCursorSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(1024),
    z.regex(/^[A-Za-z0-9_.-]+$/, 'the nextCursor of an earlier answer, unchanged'),
  );

const HISTORY_DEFAULT_LIMIT = 50;
const HISTORY_MAX_LIMIT = 100;

export const historyGetFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('history.get'),
  conversationId: z.string().check(z.minLength(1), z.maxLength(64)),
  afterSeq: z._default(z.int().check(z.gte(0)), 0),
  limit: z._default(z.int().check(z.gte(1), z.lte(HISTORY_MAX_LIMIT)), HISTORY_DEFAULT_LIMIT),
  /**
   * The `nextCursor` of the previous page (extension): the page after it, in place of `afterSeq`.
   * Opaque; its seal is checked by the domain (BAD_REQUEST on `cursor`).
   */
  cursor: z.optional(pagingCursorSchema),
});

/**
 * `text` is the prefix the citizen is typing. As for `message.send`, it is only typed here: the
 * rules are the domain's (`functions/domain/use-cases/suggest-intents.ts`): empty or whitespace
 * only answers an empty list, over 200 characters after trimming is PAYLOAD_TOO_LARGE.
 */
export const suggestFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('suggest'),
  text: z.string(),
});

/**
 * The citizen asks for a person. `reason` is their own words, if the client asks for them; it is
 * never logged and pre-fills the intake's problem.
 */
export const operatorRequestFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('operator.request'),
  reason: z.optional(z.string().check(z.maxLength(4000))),
});

/**
 * A frame that selected no route (`$default`): only the envelope is read, so the answer can echo
 * `requestId`; any `action`, or none, is an unknown one.
 */
export const unroutedFrameSchema = z.object({
  action: z.optional(z.unknown()),
  requestId: z.optional(z.unknown()),
});
