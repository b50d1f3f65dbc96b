/**
 * Use case: the platform team erases a citizen's personal data on their request (`npm run
 * privacy:erase`, the PrivacyErase function).
 *
 * Primary course:
 *  1. Parse the phone or e-mail as identification does (a malformed one → BAD_REQUEST) and derive
 *     the keyed hashes the citizen is stored under: citizen id and destination key.
 *  2. Find their sessions, conversations and tickets.
 *  3. Remove or anonymise everything of them (functions/domain/erasure.ts).
 *  4. Journal the erasure: who, when, why and the counts, with an erasure id; never the phone,
 *     e-mail or citizen id (the journal outlives the erasure).
 */
import type { AccessJournal } from '../access-journal.ts';
import type { ErasureCounts } from '../erasure.ts';
import { type IdentityHasher, parseDestination } from '../identification.ts';
import type { CitizenRecords } from '../ports/erasure.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';

export interface EraseCitizenDeps {
  hasher: Pick<IdentityHasher, 'citizenId' | 'destinationKey'>;
  records: CitizenRecords;
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
  const counts = await deps.records.erase(identity, footprint);
  const erasureId = deps.ids.newId();
  await deps.journal.record({
    entryId: deps.ids.newId(),
    at: deps.clock.now().toISOString(),
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
  return { erasureId, counts };
}
