/**
 * Use case: an operator is gone (they said `offline`, or their grace period after a lost connection
 * ran out): every conversation they hold goes back to the front of the queue it was taken from, and
 * its citizen is told where they stand.
 *
 * Primary course:
 *  1. List the conversations the operator holds (their set, each read consistently).
 *  2. For each, `moveConversation` back to its queue (`assignedQueue`): one transaction releases the
 *     slot and queues it as a new entry with its first `queuedAt` (the front); its SQS entry, SLA
 *     timer and the assignment's signal follow.
 *  3. Tell each citizen `conversation.updated` {queued, ticket, queuePosition, etaSeconds}.
 */

import { type OperatorQueueName, queueNamed } from '../operator-roster.ts';
import type { AssignmentStore, OperatorQueues, WaitingLine } from '../ports/assignment.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { moveConversation } from './move-conversation.ts';
import { tellWaitingCitizen } from './places-in-line.ts';

export interface RequeueHeldDeps {
  conversations: ConversationRepository;
  store: Pick<AssignmentStore, 'place' | 'heldBy'>;
  queues: Pick<OperatorQueues, 'put'>;
  timers: TimerQueue;
  line: WaitingLine;
  operators: Pick<OperatorRepository, 'listOnline'>;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  ledger: FollowUpLedger;
  clock: Clock;
  ids: IdGenerator;
  settings: { slaAssignSeconds: number; averageHandleSeconds: number };
}

/** The queues the operator's conversations went back to (one entry per conversation). */
export async function requeueHeld(deps: RequeueHeldDeps, operatorId: string): Promise<OperatorQueueName[]> {
  const held = await deps.store.heldBy(operatorId);
  const requeued: OperatorQueueName[] = [];
  for (const conversation of held) {
    const moved = await moveConversation(deps, {
      conversationId: conversation.conversationId,
      to: queueNamed(conversation.assignedQueue ?? conversation.category),
      fromOperatorId: operatorId,
      now: deps.clock.now(),
    });
    if (moved.status !== 'moved') continue;
    requeued.push(queueNamed(moved.conversation.queue));
    await tellWaitingCitizen(
      deps,
      { conversationId: moved.conversation.conversationId, entryId: moved.conversation.queueEntryId ?? '' },
      moved,
    );
  }
  return requeued;
}
