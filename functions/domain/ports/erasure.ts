/** The port of a citizen's erasure: finding everything that is theirs, and removing or anonymising it. */
import type { Conversation } from '../conversations.ts';
import type { CitizenIdentity, ErasureCounts } from '../erasure.ts';

/** Where a citizen's data is, as ids: what the erasure then works through. */
export interface CitizenFootprint {
  sessionIds: string[];
  conversationIds: string[];
  ticketIds: string[];
}

/** A conversation the erasure closed, as it was just before (who held it), or found closed. */
export interface ClosedConversation {
  /** The conversation as stored just before this close (or as found, when it was closed already). */
  before: Conversation;
  /** True when this call closed it; false when it was closed already (a second run). */
  closedNow: boolean;
}

export interface CitizenRecords {
  /** Their sessions (by citizen id, or that asked a code for their destination), conversations and tickets. */
  find(identity: CitizenIdentity): Promise<CitizenFootprint>;
  /**
   * Closes the conversation as a ticket's final move does (`state` closed, out of its operator
   * queue), unless it is closed already: every assignment, move and accept is conditioned on the
   * state, so nothing takes it afterwards. Undefined when there is no such conversation.
   */
  close(conversationId: string, at: Date): Promise<ClosedConversation | undefined>;
  /**
   * Removes or anonymises all of it (functions/domain/erasure.ts); a ticket still open ends
   * `rejected` at `erasedAt`. Idempotent: run again, it finds less.
   */
  erase(identity: CitizenIdentity, footprint: CitizenFootprint, erasedAt: Date): Promise<ErasureCounts>;
}
