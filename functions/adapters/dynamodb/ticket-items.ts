/**
 * The stored shape of TicketsTable's items (a ticket, and the claim that makes its number unique),
 * parsed once at the storage boundary like the items of `item-schemas.ts`.
 */
import { TICKET_ACTORS, TICKET_STATUSES, type Ticket, type TicketHistoryEntry } from '#domain/tickets.ts';
import { escalationCategorySchema, intakeSchema } from '#events/escalation.ts';
import { langSchema } from '#events/lang.ts';
import * as z from '#events/zod.ts';

const expiresAt = z.int();

const ticketStatusItem = z.enum(TICKET_STATUSES);

/** The note an SLA breach left in the citizen's `note` before it had a `staffNote` of its own. */
const LEGACY_SLA_NOTE = /^SLA breach: taken by (an operator|a senior) after \d+ s$/;

/** A history entry stored before 2026-12-05 with the SLA note where the citizen reads: moved to staff's. */
function withLegacySlaNoteForStaff(entry: TicketHistoryEntry): TicketHistoryEntry {
  if (entry.note === undefined || entry.staffNote !== undefined || !LEGACY_SLA_NOTE.test(entry.note))
    return entry;
  const { note, ...rest } = entry;
  return { ...rest, staffNote: note };
}

export const ticketItem: z.ZodMiniType<Ticket> = z.object({
  ticketId: z.string(),
  number: z.string(),
  status: ticketStatusItem,
  category: escalationCategorySchema,
  source: z.enum(['chat', 'portal']),
  conversationId: z.optional(z.string()),
  sessionId: z.optional(z.string()),
  citizenId: z.optional(z.string()),
  contactId: z.optional(z.string()),
  lang: langSchema,
  intake: z.optional(intakeSchema),
  intent: z.optional(z.string()),
  contact: z.optional(
    z.object({ name: z.optional(z.string()), channel: z.enum(['sms', 'email']), address: z.string() }),
  ),
  requestHash: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  waitingFor: z.optional(z.object({ what: z.string(), until: z.optional(z.string()) })),
  rejectReason: z.optional(z.object({ reason: z.string(), alternatives: z.optional(z.array(z.string())) })),
  history: z.array(
    z.pipe(
      z.object({
        status: ticketStatusItem,
        at: z.string(),
        actor: z.enum(TICKET_ACTORS),
        actorId: z.optional(z.string()),
        note: z.optional(z.string()),
        staffNote: z.optional(z.string()),
      }),
      z.transform(withLegacySlaNoteForStaff),
    ),
  ),
  feedback: z.optional(
    z.object({ rating: z.int().check(z.gte(1), z.lte(5)), comment: z.optional(z.string()), at: z.string() }),
  ),
  version: z.int().check(z.gte(0)),
  expiresAt,
});

/** `ticketId` = `number#<number>`: the claim that makes a ticket number unique, and finds its ticket. */
export const ticketNumberClaimItem = z.object({
  ticketId: z.string(),
  claimOf: z.string(),
  expiresAt,
});
