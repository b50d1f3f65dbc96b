/**
 * Frames of tickets and feedback (docs/protocol.md: `ticket.get`, `ticket.list`, `ticket.setStatus`,
 * `feedback.submit`; events `ticket`, `tickets`, `ticket.updated`, `feedback.request`,
 * `feedback.ack`) and the body of the portal's HTTP feedback form (`POST /feedback`, docs/requirements.md#feedback).
 *
 * `waitingFor` and `rejectReason` are objects on the wire ({what, until?}, {reason, alternatives?}):
 * docs/requirements.md#tickets asks for "what is needed and by when" and "the reason and alternatives", which one
 * string cannot carry. `ticket.setStatus` also accepts a plain string for either (= `what` /
 * `reason`), so a client that sends text only is understood.
 */
import { frameEnvelopeSchema, pagingCursorSchema } from './client-frames.ts';
import { escalationCategorySchema } from './escalation.ts';
import { langSchema } from './lang.ts';
import type { MfcVisitView } from './mfc-frames.ts';
import * as z from './zod.ts';

const ticketStatusSchema = z.enum(['received', 'in_progress', 'waiting', 'completed', 'rejected']);

const ticketIdSchema = z.string().check(z.minLength(1), z.maxLength(64));
/** A ticket number as typed: canonicalised (upper case, O→0, I/L→1) by the domain. */
const ticketNumberSchema = z.string().check(z.minLength(1), z.maxLength(32));

export const ticketGetFrameSchema = z
  .extend(frameEnvelopeSchema, {
    action: z.literal('ticket.get'),
    ticketId: z.optional(ticketIdSchema),
    number: z.optional(ticketNumberSchema),
  })
  .check(
    z.refine((frame) => (frame.ticketId === undefined) !== (frame.number === undefined), {
      message: 'give exactly one of ticketId and number',
      path: ['ticketId'],
    }),
  );

/** `status` narrows the list; staff list tickets by status (default `received`, the newest 100). */
/** Tickets per `ticket.list` page unless `limit` says otherwise, and at most. */
export const TICKET_LIST_DEFAULT_LIMIT = 20;
const TICKET_LIST_MAX_LIMIT = 50;

export const ticketListFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('ticket.list'),
  status: z.optional(ticketStatusSchema),
  /** Page size (extension): 1–50, default 20; an answer near the frame limit is cut shorter. */
  limit: z._default(z.int().check(z.gte(1), z.lte(TICKET_LIST_MAX_LIMIT)), TICKET_LIST_DEFAULT_LIMIT),
  /** The `nextCursor` of the previous page (extension); absent: the newest page. */
  cursor: z.optional(pagingCursorSchema),
});

const waitingForSchema = z.union([
  z.pipe(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
    z.transform((what) => ({ what })),
  ),
  z.object({
    what: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
    until: z.optional(z.iso.datetime({ offset: true })),
  }),
]);

const rejectReasonSchema = z.union([
  z.pipe(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
    z.transform((reason) => ({ reason })),
  ),
  z.object({
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
    alternatives: z.optional(
      z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))).check(z.maxLength(5)),
    ),
  }),
]);

export const ticketSetStatusFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('ticket.setStatus'),
  ticketId: ticketIdSchema,
  status: ticketStatusSchema,
  note: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))),
  waitingFor: z.optional(waitingForSchema),
  rejectReason: z.optional(rejectReasonSchema),
});

/**
 * The citizen rates a completed ticket, once. docs/protocol.md names the conversation; a ticket with no
 * conversation (the portal's form) is named by `ticketId` instead.
 */
export const feedbackSubmitFrameSchema = z
  .extend(frameEnvelopeSchema, {
    action: z.literal('feedback.submit'),
    conversationId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    ticketId: z.optional(ticketIdSchema),
    rating: z.int().check(z.gte(1), z.lte(5)),
    comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
  })
  .check(
    z.refine((frame) => (frame.conversationId === undefined) !== (frame.ticketId === undefined), {
      message: 'give exactly one of conversationId and ticketId',
      path: ['conversationId'],
    }),
  );

// Server → client ----------------------------------------------------------------------------------

/** A ticket as clients see it (docs/protocol.md), labelled in the receiving session's language. */
export interface TicketView {
  ticketId: string;
  number: string;
  status: z.infer<typeof ticketStatusSchema>;
  statusLabel: string;
  category: string;
  createdAt: string;
  updatedAt: string;
  /** The conversation the ticket came from (absent for the portal's form): what `feedback.submit` names. */
  conversationId?: string;
  waitingFor?: { what: string; until?: string };
  rejectReason?: { reason: string; alternatives?: string[] };
  history: {
    status: z.infer<typeof ticketStatusSchema>;
    at: string;
    actor: string;
    note?: string;
    /** Staff only (an SLA breach); absent from a citizen's view. */
    staffNote?: string;
  }[];
  /** Set once the citizen rated it. */
  feedback?: { rating: number; comment?: string; at: string };
  /**
   * Staff only (operators and seniors; never sent to citizens): where the ticket came from, what the
   * citizen asked (the intake; the form's text as `problem`), the recognised intent, and — for a
   * portal ticket, which has no chat to answer in — the contact the form gave.
   */
  source?: 'chat' | 'portal';
  intake?: {
    service?: string;
    problem: string;
    occurredAt?: string;
    errorCode?: string;
    desiredResult?: string;
    attachmentIds?: string[];
  };
  intent?: string;
  contact?: { name?: string; channel: 'sms' | 'email'; address: string };
  /**
   * How many of the oldest `history` entries were left out to keep the frame within its size budget
   * (extension; absent when the history is whole).
   */
  historyOmitted?: number;
}

export interface TicketFrame {
  type: 'ticket';
  requestId?: string;
  ticket: TicketView;
}

export interface TicketsFrame {
  type: 'tickets';
  requestId?: string;
  items: TicketView[];
  /**
   * A citizen's MFC visits still to come, soonest first (extension): on the first page of an
   * unfiltered list (no `cursor`, no `status`) only; empty when there are none.
   */
  visits?: MfcVisitView[];
  /** There is an older page: send `ticket.list` again with this as `cursor` (extension). */
  nextCursor?: string;
}

export interface TicketUpdatedFrame {
  type: 'ticket.updated';
  requestId?: string;
  ticket: TicketView;
}

export interface FeedbackRequestFrame {
  type: 'feedback.request';
  requestId?: string;
  conversationId: string;
  ticketId: string;
}

export interface FeedbackAckFrame {
  type: 'feedback.ack';
  requestId?: string;
  ticketId: string;
  conversationId?: string;
  rating: number;
}

// HTTP: the portal's feedback form ---------------------------------------------------------------

/**
 * `contact`: a phone number (normalised to E.164 as identification does; Russian without a country
 * code) or an e-mail address. Validated by the domain (`functions/domain/identification.ts`), so the
 * same person gets the same citizen id here as when they identify in the chat.
 */
const portalContactSchema = z.string().check(z.trim(), z.minLength(3), z.maxLength(254));

export const portalFeedbackRequestSchema = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  contact: portalContactSchema,
  category: z._default(escalationCategorySchema, 'general'),
  text: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
  lang: z._default(langSchema, 'ru'),
});
export type PortalFeedbackRequest = z.infer<typeof portalFeedbackRequestSchema>;

/** `Idempotency-Key`: 8–128 visible ASCII characters (a UUID is the usual choice). */
export const idempotencyKeySchema = z.string().check(z.regex(/^[\x21-\x7e]{8,128}$/));

/** 201 (and the same again for a repeated Idempotency-Key). */
export interface PortalFeedbackCreated {
  ticketId: string;
  number: string;
}
