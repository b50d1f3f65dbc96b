/**
 * Use case: the portal's feedback form (`POST /feedback`, docs/requirements.md#feedback) opens a ticket and answers its number.
 *
 * Primary course:
 *  1. Normalise the contact as identification does (a phone to E.164, an e-mail's domain lower-cased);
 *     neither → BAD_REQUEST on `contact`.
 *  2. Count the post against the contact's limit (`formPostsPerContact`, on its keyed hash): over
 *     it → RATE_LIMITED with `retryAfter`, nothing stored. One client cannot fill the staff's view
 *     or a contact's list; the per-address limit is counted before the body is read (the handler).
 *  3. The ticket id: derived from the `Idempotency-Key` when one is given (a double submit finds the
 *     first ticket), else random.
 *  4. Build the ticket: status `received`, the category (default `general`), the text as the intake's
 *     problem, the contact (personal data, kept for the reply only), and filed under that contact
 *     (`contactId`, the citizen id the contact will have), not under its citizen: anyone can type
 *     anyone's phone into the form, so the ticket reaches a citizen's `ticket.list` only once a
 *     citizen proves that contact in the chat after it was filed (`claimContactTickets`).
 *  5. Store it with the claim on a fresh number (a number taken → another).
 *  6. A stored ticket under the same key: the same request → that ticket again (`created: false`);
 *     a different request under a used key → IdempotencyKeyReusedError (HTTP 422), nothing stored.
 */
import { createHash } from 'node:crypto';
import type { PortalFeedbackRequest } from '#events/tickets.ts';
import {
  type ClientLimits,
  countShared,
  formPostCountingByContact,
  type InstanceCounters,
  type RateCounter,
  rateLimited,
} from '../client-limits.ts';
import { badRequest, ChatError } from '../errors.ts';
import { type Destination, type IdentityHasher, parseDestination } from '../identification.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { TicketRepository } from '../ports/tickets.ts';
import { expiresAfterDays } from '../retention.ts';
import { openNewTicket, portalTicketId, type RandomBytes } from '../tickets.ts';
import { type OpenedTicket, storeNewTicket } from './open-ticket.ts';

export interface PortalFeedbackDeps {
  tickets: TicketRepository;
  /** The citizen id of a contact: the same keyed hash identification gives a verified citizen. */
  identities: Pick<IdentityHasher, 'citizenId'>;
  clock: Clock;
  ids: IdGenerator;
  retentionDays: number;
  random?: RandomBytes;
  /** The per-contact limit of posts and its shared counter. */
  postLimits: { limits: ClientLimits; counter: RateCounter; instance: InstanceCounters };
}

/** The key was used before for a different request: nothing was stored (HTTP 422). */
export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('the Idempotency-Key was used for a different request');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export async function submitPortalFeedback(
  deps: PortalFeedbackDeps,
  request: PortalFeedbackRequest,
  idempotencyKey: string | undefined,
): Promise<OpenedTicket> {
  const destination = contactOf(request.contact);
  const contactId = await deps.identities.citizenId(destination);
  const { limits, counter, instance } = deps.postLimits;
  const counted = await countShared(
    counter,
    instance,
    formPostCountingByContact(limits, contactId),
    deps.clock.now(),
  );
  if (!counted.allowed) throw rateLimited(counted.retryAfter);
  const requestHash = fingerprint(request);
  const ticketId = portalTicketId(
    idempotencyKey === undefined ? `random:${deps.ids.newId()}` : `key:${idempotencyKey}`,
  );
  const now = deps.clock.now();
  const opened = await storeNewTicket(deps, (number) =>
    openNewTicket({
      ticketId,
      number,
      category: request.category,
      source: 'portal',
      lang: request.lang,
      now,
      expiresAt: expiresAfterDays(now, deps.retentionDays),
      contactId,
      intake: { problem: request.text },
      contact: {
        ...(request.name === undefined ? {} : { name: request.name }),
        channel: destination.channel,
        address: destination.address,
      },
      requestHash,
    }),
  );
  if (!opened.created && opened.ticket.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  return opened;
}

function contactOf(contact: string): Destination {
  const field = contact.includes('@') ? { email: contact } : { phone: contact };
  try {
    return parseDestination(field);
  } catch (error) {
    if (error instanceof ChatError) {
      throw badRequest([{ field: 'contact', problem: 'a mobile phone number or an e-mail address' }]);
    }
    throw error;
  }
}

/** SHA-256 of the request's fields in a fixed order: equal requests, equal fingerprints. */
function fingerprint(request: PortalFeedbackRequest): string {
  const fields = [request.name ?? '', request.contact, request.category, request.text, request.lang];
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}
