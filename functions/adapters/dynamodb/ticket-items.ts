/**
 * The stored shape of TicketsTable's items (a ticket, and the claim that makes its number unique),
 * parsed once at the storage boundary like the items of `item-schemas.ts`.
 */
import * as z from 'zod';
import { TICKET_ACTORS, TICKET_STATUSES, type Ticket } from '#domain/tickets.ts';
import { escalationCategorySchema, intakeSchema } from '#events/escalation.ts';
import { langSchema } from '#events/lang.ts';

const expiresAt = z.number().int();

const ticketStatusItem = z.enum(TICKET_STATUSES);

export const ticketItem: z.ZodType<Ticket> = z.object({
  ticketId: z.string(),
  number: z.string(),
  status: ticketStatusItem,
  category: escalationCategorySchema,
  source: z.enum(['chat', 'portal']),
  conversationId: z.string().optional(),
  sessionId: z.string().optional(),
  citizenId: z.string().optional(),
  contactId: z.string().optional(),
  lang: langSchema,
  intake: intakeSchema.optional(),
  intent: z.string().optional(),
  contact: z
    .object({ name: z.string().optional(), channel: z.enum(['sms', 'email']), address: z.string() })
    .optional(),
  requestHash: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  waitingFor: z.object({ what: z.string(), until: z.string().optional() }).optional(),
  rejectReason: z.object({ reason: z.string(), alternatives: z.array(z.string()).optional() }).optional(),
  history: z.array(
    z.object({
      status: ticketStatusItem,
      at: z.string(),
      actor: z.enum(TICKET_ACTORS),
      actorId: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
  feedback: z
    .object({ rating: z.number().int().min(1).max(5), comment: z.string().optional(), at: z.string() })
    .optional(),
  version: z.number().int().min(0),
  expiresAt,
});

/** `ticketId` = `number#<number>`: the claim that makes a ticket number unique, and finds its ticket. */
export const ticketNumberClaimItem = z.object({
  ticketId: z.string(),
  claimOf: z.string(),
  expiresAt,
});
