/**
 * The stream records the desk's functions receive, parsed once. Images are unmarshalled from their
 * AttributeValue form (`@aws-sdk/util-dynamodb`) and then parsed with the stored item's own schema.
 *
 * - MessagesTable (NEW_IMAGE) → DeskRelay: INSERTs of citizen messages marked `outbox = operator`
 *   (to push to the assigned operator) and of operator messages (to tell an offline citizen).
 * - TicketsTable (NEW_AND_OLD_IMAGES) → TicketNotices: MODIFYs whose status changed (to tell an
 *   offline citizen).
 */
import { langSchema } from './lang.ts';
import * as z from './zod.ts';

/** The part of a ticket's image a notice needs (functions/domain/tickets.ts has the whole ticket). */
export const ticketNoticeImageSchema = z.object({
  ticketId: z.string().check(z.minLength(1)),
  number: z.string().check(z.minLength(1)),
  status: z.enum(['received', 'in_progress', 'waiting', 'completed', 'rejected']),
  /** Goes up by one with every write of the ticket: a status change and its replays share one. */
  version: z.int().check(z.nonnegative()),
  sessionId: z.optional(z.string().check(z.minLength(1))),
  citizenId: z.optional(z.string().check(z.minLength(1))),
  lang: langSchema,
});
export type TicketNoticeImage = z.infer<typeof ticketNoticeImageSchema>;
