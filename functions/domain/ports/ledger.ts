/**
 * The port of the ledger's follow-ups (docs/architecture.md, "The ledger"): every change of the
 * waiting line writes what must follow it on the conversation item, in the same transaction
 * (the writes themselves are the assignment store's); this port clears them once performed and
 * finds those left pending by a crash.
 */
import type { Conversation } from '../conversations.ts';

export interface FollowUpLedger {
  /**
   * Removes the follow-ups written at `writtenAt`, only if they are still those (a later change's
   * follow-ups stay). False when they were not (already cleared, or replaced).
   */
  clear(conversationId: string, writtenAt: string): Promise<boolean>;
  /**
   * `clear` of an assignment's announcement, recording in the same write when its accept window
   * ends (`acceptDueAt`, the accept timer's due).
   */
  clearAnnouncement(conversationId: string, writtenAt: string, acceptDueAt: string): Promise<boolean>;
  /**
   * The ids of conversations whose follow-ups were written before `before`, oldest first (an index
   * of keys only, which may lag: the conversation as it is now decides).
   */
  pending(before: string, limit: number): Promise<Pick<Conversation, 'conversationId'>[]>;
}
