/**
 * Use case: the platform team erases a citizen's personal data on their request (`npm run
 * privacy:erase`, the PrivacyErase function).
 *
 * Primary course:
 *  1. Parse the phone or e-mail as identification does (a malformed one → BAD_REQUEST) and derive
 *     the keyed hashes the citizen is stored under: citizen id and destination key.
 *  2. Find their sessions, conversations and tickets.
 *  3. Close each of their conversations that is still open, as a ticket's final move closes one:
 *     `state` closed and out of its operator queue in one conditional write, so no assignment,
 *     move or accept takes it afterwards and every timer of it (SLA, accept, first reply) finds it
 *     closed and does nothing. One an operator held frees the operator's slot
 *     (`releaseAssignment`: once, however often this runs; the assignment then offers them the next
 *     conversation), and the operator's consoles get `conversation.updated` {state `closed`, reason
 *     `erased`}, so its transcript leaves their screen.
 *  4. Remove or anonymise everything of them (functions/domain/erasure.ts): their sockets closed
 *     first, then what is keyed by their sessions', conversations' and visits' ids (their MFC
 *     visits among it: a booked one gives its place back), then the conversations and tickets
 *     anonymised, the sessions deleted last; a ticket still open ends `rejected` by the system.
 *  5. Journal the erasure: who, when, why and the counts, with an erasure id; never the phone,
 *     e-mail or citizen id (the journal outlives the erasure).
 *
 * Run again (after a failure half-way), every step finds its work done or finds what is left:
 * the sessions it starts from are deleted last; a conversation closed already frees nothing (the
 * release is conditioned on the slot being held) and tells nobody.
 */
import type { AccessJournal } from '../access-journal.ts';
import type { ErasureCounts } from '../erasure.ts';
import { type IdentityHasher, parseDestination } from '../identification.ts';
import type { ConnectionNotifier, PushedFrame } from '../ports/delivery.ts';
import type { CitizenRecords } from '../ports/erasure.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { postToAll } from './post-frames.ts';
import { type ReleaseAssignmentDeps, releaseAssignment } from './release-assignment.ts';

export interface EraseCitizenDeps {
  hasher: Pick<IdentityHasher, 'citizenId' | 'destinationKey'>;
  records: CitizenRecords;
  /** Frees the slot of an operator who held one of the conversations (the assignment's release). */
  assignment: ReleaseAssignmentDeps;
  /** The operator's consoles, told of the close. */
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  journal: Pick<AccessJournal, 'record'>;
  clock: Clock;
  ids: IdGenerator;
}

export interface EraseCitizenRequest {
  who: { phone: string } | { email: string };
  requestedBy: string;
  reason: string;
}

export interface ErasureResult {
  erasureId: string;
  counts: ErasureCounts;
  /** Slots of operators this erasure freed (conversations they held). */
  operatorsReleased: number;
}

export async function eraseCitizen(
  deps: EraseCitizenDeps,
  request: EraseCitizenRequest,
): Promise<ErasureResult> {
  const destination = parseDestination(request.who);
  const [citizenId, destinationKey] = await Promise.all([
    deps.hasher.citizenId(destination),
    deps.hasher.destinationKey(destination),
  ]);
  const identity = { citizenId, destinationKey };
  const footprint = await deps.records.find(identity);
  const now = deps.clock.now();
  let operatorsReleased = 0;
  for (const conversationId of footprint.conversationIds)
    if (await closeConversation(deps, conversationId, now)) operatorsReleased += 1;
  const counts = await deps.records.erase(identity, footprint, now);
  const erasureId = deps.ids.newId();
  await deps.journal.record({
    entryId: deps.ids.newId(),
    at: now.toISOString(),
    actor: { kind: 'platform', id: request.requestedBy },
    action: 'privacy.erase',
    subject: {
      erasureId,
      scope: Object.entries(counts)
        .map(([kind, n]) => `${kind}=${n}`)
        .join(' '),
    },
    reason: request.reason,
  });
  return { erasureId, counts, operatorsReleased };
}

/** Step 3 for one conversation; true when it freed an operator's slot. */
async function closeConversation(
  deps: EraseCitizenDeps,
  conversationId: string,
  now: Date,
): Promise<boolean> {
  const closed = await deps.records.close(conversationId, now);
  const operatorId = closed?.before.operatorId;
  if (closed === undefined || operatorId === undefined) return false;
  // Also on a run after one that closed it and failed before the release: freed once, as ever.
  const released = await releaseAssignment(deps.assignment, conversationId, operatorId);
  const held = closed.closedNow && closed.before.state === 'operator';
  if (released || held) {
    const frame: PushedFrame = {
      type: 'conversation.updated',
      conversationId,
      state: 'closed',
      reason: 'erased',
    };
    const consoles = (await deps.connections.listByPrincipal(operatorId)).filter(
      (c) => c.role === 'operator' || c.role === 'senior',
    );
    await postToAll(deps, consoles, frame);
  }
  return released;
}
