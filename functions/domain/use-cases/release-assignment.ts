/**
 * Use case: an operator's conversation is done with them (its ticket completed or rejected, so the ticket routes
 * closed it): free the operator's slot, once, and wake the assignment to give them the next one.
 *
 * Primary course:
 *  1. Release the slot in one conditional write: `activeChats − 1` and the conversation out of the
 *     operator's set, only if it is in the set. A repeat (a retried ticket change) finds it gone
 *     and changes nothing, so capacity is never freed twice.
 *  2. When a slot was freed: signal the assignment (`operator.freed`, no delay), which assigns the
 *     operator the oldest conversation waiting in their queues.
 */
import type { AssignmentStore } from '../ports/assignment.ts';
import type { TimerQueue } from '../ports/timers.ts';

export interface ReleaseAssignmentDeps {
  store: Pick<AssignmentStore, 'release'>;
  timers: TimerQueue;
}

/** True when this call freed the slot; false when it was free already. */
export async function releaseAssignment(
  deps: ReleaseAssignmentDeps,
  conversationId: string,
  operatorId: string,
): Promise<boolean> {
  const released = await deps.store.release(conversationId, operatorId);
  if (released) await deps.timers.schedule({ kind: 'operator.freed', operatorId }, 0);
  return released;
}
