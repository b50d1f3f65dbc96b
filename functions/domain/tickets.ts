/**
 * Tickets (docs/requirements.md#tickets, docs/requirements.md#feedback): what a citizen's request is, the only status changes the rules allow,
 * the readable number, and how a ticket looks to clients. Plain rules, no I/O: the use cases
 * (`use-cases/open-ticket.ts`, `use-cases/change-ticket-status.ts`) store and push what these decide.
 *
 * State machine (the only transitions; `completed` and `rejected` are final):
 *
 *   received ──► in_progress ◄──► waiting
 *      │             │  │            │
 *      │             │  └──► completed
 *      └──► rejected ◄┘              │
 *               ▲────────────────────┘
 *
 * `waiting` needs `waitingFor` (what is needed from the citizen, and by when), `rejected` needs
 * `rejectReason` (the reason, and alternatives): missing → BAD_REQUEST. Any other move → CONFLICT.
 */

import { createHash, randomBytes } from 'node:crypto';
import type { CollectedIntake, EscalationCategory } from '#events/escalation.ts';
import type { Lang } from '#events/lang.ts';
import type { TicketView } from '#events/tickets.ts';
import { badRequest, ChatError } from './errors.ts';
import { jsonBytes } from './paging.ts';

export const TICKET_STATUSES = ['received', 'in_progress', 'waiting', 'completed', 'rejected'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Who moved a ticket. `system`: the service itself (creation, timers). */
export const TICKET_ACTORS = ['system', 'operator', 'senior', 'citizen'] as const;
export type TicketActorKind = (typeof TICKET_ACTORS)[number];

/** docs/requirements.md#tickets, exactly. */
const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  received: ['in_progress', 'rejected'],
  in_progress: ['waiting', 'completed', 'rejected'],
  waiting: ['in_progress', 'rejected'],
  completed: [],
  rejected: [],
};

/** Status labels in the session language; the Russian ones are docs/requirements.md#tickets's. */
export const STATUS_LABELS: Readonly<Record<TicketStatus, Readonly<Record<Lang, string>>>> = {
  received: { ru: 'Получено', en: 'Received' },
  in_progress: { ru: 'В работе', en: 'In progress' },
  waiting: { ru: 'Ожидание', en: 'Waiting' },
  completed: { ru: 'Завершено', en: 'Completed' },
  rejected: { ru: 'Отказ', en: 'Rejected' },
};

/** What a waiting ticket needs from the citizen, and by when (ISO 8601) if there is a deadline. */
export interface WaitingFor {
  what: string;
  until?: string;
}

/** Why a ticket was rejected, and where the citizen may turn instead. */
export interface RejectReason {
  reason: string;
  alternatives?: string[];
}

export interface TicketHistoryEntry {
  status: TicketStatus;
  at: string;
  actor: TicketActorKind;
  /** The operator's id (Cognito sub); never shown to citizens. */
  actorId?: string;
  /** The citizen reads it (the operator's comment on the move). */
  note?: string;
  /** For staff and the audit only (an SLA breach): never in a citizen's view of the ticket. */
  staffNote?: string;
}

export interface TicketFeedback {
  rating: number;
  comment?: string;
  at: string;
}

/** The portal's feedback form (docs/requirements.md#feedback): who wrote, and how to answer them. Personal data: never logged. */
export interface PortalContact {
  name?: string;
  /** As identification names them (functions/domain/identification.ts): `sms` for a phone. */
  channel: 'sms' | 'email';
  /** E.164 phone, or e-mail with a lower-cased domain. */
  address: string;
}

export interface Ticket {
  ticketId: string;
  number: string;
  status: TicketStatus;
  category: EscalationCategory;
  /** Where the ticket came from: an escalated conversation, or the portal's feedback form. */
  source: 'chat' | 'portal';
  conversationId?: string;
  sessionId?: string;
  citizenId?: string;
  /**
   * A portal ticket whose contact nobody proved yet: the citizen id that contact will have (the same
   * keyed hash). The ticket is filed under the contact, not the citizen, until a citizen verifies
   * that phone or e-mail in the chat after it was filed; then `citizenId` replaces it
   * (`claimContactTickets`). Never shown to anyone.
   */
  contactId?: string;
  /** The language the citizen wrote in (labels on pushes use each connection's own language). */
  lang: Lang;
  intake?: CollectedIntake;
  intent?: string;
  contact?: PortalContact;
  /** Fingerprint of the portal request that created it (Idempotency-Key replays must match it). */
  requestHash?: string;
  createdAt: string;
  updatedAt: string;
  waitingFor?: WaitingFor;
  rejectReason?: RejectReason;
  history: TicketHistoryEntry[];
  feedback?: TicketFeedback;
  /** Counts every write after creation: the optimistic lock of transitions. */
  version: number;
  expiresAt: number;
}

export function isFinal(status: TicketStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

function canMove(from: TicketStatus, to: TicketStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface TicketActor {
  kind: TicketActorKind;
  id?: string;
}

export interface TransitionRequest {
  to: TicketStatus;
  actor: TicketActor;
  note?: string;
  staffNote?: string;
  waitingFor?: WaitingFor;
  rejectReason?: RejectReason;
  now: Date;
  /** New `expiresAt`: a ticket that moves stays kept for the whole retention from its last change. */
  expiresAt: number;
}

/**
 * How many entries a ticket's history may reach before only a final move is accepted. The whole
 * history is kept for the regulator (docs/requirements.md#audit-and-personal-data) on the one ticket item, which DynamoDB caps at 400 KB; at
 * about 3 KB per entry (a note and what the citizen is waiting for) this keeps it well under, and
 * no real request goes back and forth between `in_progress` and `waiting` this often.
 */
export const MAX_TICKET_TRANSITIONS = 100;

/**
 * The ticket after one transition, or a ChatError: CONFLICT for a move the machine forbids (final
 * statuses included), BAD_REQUEST when `waiting` lacks `waitingFor` or `rejected` lacks
 * `rejectReason`. `waitingFor` is kept only while waiting, `rejectReason` only on a rejected ticket.
 */
export function applyTransition(ticket: Ticket, request: TransitionRequest): Ticket {
  const { to } = request;
  if (!canMove(ticket.status, to)) throw new ChatError('CONFLICT');
  if (!isFinal(to) && ticket.history.length >= MAX_TICKET_TRANSITIONS) {
    throw new ChatError('CONFLICT', {
      details: [{ field: 'status', problem: `moved ${MAX_TICKET_TRANSITIONS} times: complete or reject it` }],
    });
  }
  if (to === 'waiting' && !request.waitingFor) {
    throw badRequest([{ field: 'waitingFor', problem: 'required when the status is waiting' }]);
  }
  if (to === 'rejected' && !request.rejectReason) {
    throw badRequest([{ field: 'rejectReason', problem: 'required when the status is rejected' }]);
  }
  const at = request.now.toISOString();
  const entry: TicketHistoryEntry = {
    status: to,
    at,
    actor: request.actor.kind,
    ...(request.actor.id === undefined ? {} : { actorId: request.actor.id }),
    ...(request.note === undefined ? {} : { note: request.note }),
    ...(request.staffNote === undefined ? {} : { staffNote: request.staffNote }),
  };
  const { waitingFor: _waiting, rejectReason: _rejected, ...rest } = ticket;
  return {
    ...rest,
    status: to,
    updatedAt: at,
    ...(to === 'waiting' ? { waitingFor: request.waitingFor } : {}),
    ...(to === 'rejected' ? { rejectReason: request.rejectReason } : {}),
    history: [...ticket.history, entry],
    version: ticket.version + 1,
    expiresAt: Math.max(ticket.expiresAt, request.expiresAt),
  };
}

export interface NewTicket {
  ticketId: string;
  number: string;
  category: EscalationCategory;
  source: Ticket['source'];
  lang: Lang;
  now: Date;
  expiresAt: number;
  conversationId?: string;
  sessionId?: string;
  citizenId?: string;
  contactId?: string;
  intake?: CollectedIntake;
  intent?: string;
  contact?: PortalContact;
  requestHash?: string;
  note?: string;
}

/** A new ticket: `received`, with its creation as the first history entry (actor `system`). */
export function openNewTicket(input: NewTicket): Ticket {
  const at = input.now.toISOString();
  const { now: _now, note, ...fields } = input;
  return {
    ...fields,
    status: 'received',
    createdAt: at,
    updatedAt: at,
    history: [{ status: 'received', at, actor: 'system', ...(note === undefined ? {} : { note }) }],
    version: 0,
  };
}

/**
 * The ticket id of a conversation's escalation: derived from (conversationId, attempt), so a
 * redelivered escalation finds the ticket it created instead of opening a second one.
 */
export function escalationTicketId(conversationId: string, attempt: number): string {
  return `t-${digest(`escalation\u0000${conversationId}\u0000${attempt}`)}`;
}

/** The ticket id of a portal request with an `Idempotency-Key`: a double submit finds the first ticket. */
export function portalTicketId(idempotencyKey: string): string {
  return `t-${digest(`portal\u0000${idempotencyKey}`)}`;
}

/** 26 characters of base32 of SHA-256: 130 bits, opaque, URL-safe. */
function digest(text: string): string {
  return crockford(createHash('sha256').update(text).digest()).slice(0, 26).toLowerCase();
}

// Ticket numbers --------------------------------------------------------------------------------

/** Crockford's base32: digits and letters without I, L, O and U, so a number read aloud is unambiguous. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const NUMBER_SUFFIX_LENGTH = 6;
export const TICKET_NUMBER_PATTERN = /^GU-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/;

/** A source of random bytes (a CSPRNG in production; fixed in tests). */
export type RandomBytes = (size: number) => Uint8Array;

export const secureRandomBytes: RandomBytes = (size) => randomBytes(size);

/**
 * `GU-YYYYMMDD-XXXXXX`: the UTC creation date and 6 Crockford base32 characters (30 random bits).
 * Random numbers can collide: uniqueness is the repository's (a conditional put of a claim on the
 * number, retried with a fresh one), never left to luck.
 */
export function newTicketNumber(now: Date, random: RandomBytes = secureRandomBytes): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  // 32 divides 256, so the low 5 bits of a uniform byte are uniform: no modulo bias.
  const suffix = Array.from(random(NUMBER_SUFFIX_LENGTH), (byte) => CROCKFORD_ALPHABET[byte & 31]).join('');
  return `GU-${date}-${suffix}`;
}

/**
 * A number as a person may type it (lower case, `O` for zero, `I`/`L` for one) in its canonical
 * form, or undefined when it cannot be a ticket number.
 */
export function canonicalTicketNumber(typed: string): string | undefined {
  const upper = typed.trim().toUpperCase();
  // The date is read the same way as the random part: «GU-2O26…» is 2026.
  const match = /^GU-([0-9OIL]{8})-([0-9A-Z]{6})$/.exec(upper);
  if (!match) return undefined;
  const canonical = `GU-${asDigits(match[1] ?? '')}-${asDigits(match[2] ?? '')}`;
  return TICKET_NUMBER_PATTERN.test(canonical) ? canonical : undefined;
}

/** `O` read as zero, `I` and `L` as one: the letters Crockford's base32 leaves out for that reason. */
function asDigits(typed: string): string {
  return typed.replaceAll('O', '0').replaceAll('I', '1').replaceAll('L', '1');
}

function crockford(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

// Who may see and change a ticket -------------------------------------------------------------------

/** The part of a caller that decides ownership. */
export interface TicketReader {
  role: 'guest' | 'citizen' | 'operator' | 'senior';
  sessionId: string;
  citizenId?: string;
}

export function isStaff(reader: Pick<TicketReader, 'role'>): boolean {
  return reader.role === 'operator' || reader.role === 'senior';
}

/**
 * What tickets a member of staff works with: a senior every ticket; an operator the tickets of the
 * queues they serve (their skills: the ticket's category) and those of the conversations they hold.
 */
export type StaffScope =
  | { senior: true }
  | { senior: false; queues: ReadonlySet<string>; holds: ReadonlySet<string> };

export function isInStaffScope(
  ticket: Pick<Ticket, 'category' | 'conversationId'>,
  scope: StaffScope,
): boolean {
  if (scope.senior) return true;
  if (scope.queues.has(ticket.category)) return true;
  return ticket.conversationId !== undefined && scope.holds.has(ticket.conversationId);
}

/**
 * A citizen's own ticket: the same verified citizen, or (a ticket opened before identification,
 * or by a guest) the same session. Staff read every ticket.
 */
export function isVisibleTo(
  ticket: Pick<Ticket, 'citizenId' | 'sessionId'>,
  reader: TicketReader,
  citizenSessions: ReadonlySet<string> = new Set(),
): boolean {
  if (isStaff(reader)) return true;
  if (reader.citizenId !== undefined && ticket.citizenId === reader.citizenId) return true;
  if (ticket.sessionId === undefined) return false;
  return ticket.sessionId === reader.sessionId || citizenSessions.has(ticket.sessionId);
}

/** Newest first (as old: the greater id first, the order pages follow), one per ticket id. */
export function newestFirst(tickets: Iterable<Ticket>): Ticket[] {
  const byId = new Map<string, Ticket>();
  for (const ticket of tickets) byId.set(ticket.ticketId, ticket);
  return [...byId.values()].sort(
    (a, b) => codeOrder(b.createdAt, a.createdAt) || codeOrder(b.ticketId, a.ticketId),
  );
}

/** Plain code-unit order (ISO times, ticket ids), the order DynamoDB sorts strings in. */
function codeOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The ticket as a client sees it, labelled in `lang`; operator ids stay out. A citizen's view
 * carries nothing they did not see already; `staff` adds the request itself (source, intake, intent,
 * a portal ticket's contact), what an operator works from.
 */
export function ticketView(
  ticket: Ticket,
  lang: Lang,
  audience: 'citizen' | 'staff' = 'citizen',
  budgetBytes = TICKET_BUDGET_BYTES,
): TicketView {
  const view = citizenView(ticket, lang);
  const whole =
    audience === 'citizen'
      ? view
      : {
          ...view,
          source: ticket.source,
          ...(ticket.intake === undefined ? {} : { intake: ticket.intake }),
          ...(ticket.intent === undefined ? {} : { intent: ticket.intent }),
          ...(ticket.contact === undefined ? {} : { contact: ticket.contact }),
          history: view.history.map((entry, i) => {
            const staffNote = ticket.history[i]?.staffNote;
            return staffNote === undefined ? entry : { ...entry, staffNote };
          }),
        };
  return withinBudget(whole, budgetBytes);
}

/**
 * The most one ticket may take in a frame (`ticket`, `ticket.updated`): API Gateway refuses a frame
 * over 128 KB, and a ticket's history may hold 100 entries with notes of 2,000 characters.
 */
export const TICKET_BUDGET_BYTES = 96 * 1024;

/**
 * The view as is when it fits `budgetBytes`; else with the oldest history entries left out, as
 * many as it takes (counted in `historyOmitted`), the newest kept.
 */
function withinBudget(view: TicketView, budgetBytes: number): TicketView {
  if (jsonBytes(view) <= budgetBytes) return view;
  const history = [...view.history];
  let omitted = 0;
  const fitted = () => ({ ...view, history, historyOmitted: omitted });
  while (history.length > 0 && jsonBytes(fitted()) > budgetBytes) {
    history.shift();
    omitted++;
  }
  return fitted();
}

function citizenView(ticket: Ticket, lang: Lang): TicketView {
  return {
    ticketId: ticket.ticketId,
    number: ticket.number,
    status: ticket.status,
    statusLabel: STATUS_LABELS[ticket.status][lang],
    category: ticket.category,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    ...(ticket.conversationId === undefined ? {} : { conversationId: ticket.conversationId }),
    ...(ticket.waitingFor === undefined ? {} : { waitingFor: ticket.waitingFor }),
    ...(ticket.rejectReason === undefined ? {} : { rejectReason: ticket.rejectReason }),
    history: ticket.history.map(({ status, at, actor, note }) => ({
      status,
      at,
      actor,
      ...(note === undefined ? {} : { note }),
    })),
    ...(ticket.feedback === undefined ? {} : { feedback: ticket.feedback }),
  };
}
