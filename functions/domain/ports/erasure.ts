/** The port of a citizen's erasure: finding everything that is theirs, and removing or anonymising it. */
import type { CitizenIdentity, ErasureCounts } from '../erasure.ts';

/** Where a citizen's data is, as ids: what the erasure then works through. */
export interface CitizenFootprint {
  sessionIds: string[];
  conversationIds: string[];
  ticketIds: string[];
}

export interface CitizenRecords {
  /** Their sessions (by citizen id, or that asked a code for their destination), conversations and tickets. */
  find(identity: CitizenIdentity): Promise<CitizenFootprint>;
  /** Removes or anonymises all of it (functions/domain/erasure.ts); idempotent: run again, it finds less. */
  erase(identity: CitizenIdentity, footprint: CitizenFootprint): Promise<ErasureCounts>;
}
