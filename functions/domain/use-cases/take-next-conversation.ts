/**
 * Use case: an operator takes the next conversation by hand (`operator.next`).
 *
 * Primary course:
 *  1. Read the operator: not online (never said `operator.status` online, or away/offline) →
 *     CONFLICT; no free slot → CONFLICT. Nothing changes.
 *  2. Assign them one conversation, the longest waiting of their queues (`fillOperator` with max 1):
 *     the same exactly-once transaction as automatic assignment.
 *  3. Assigned → announce it (their other connections, the citizen, the ticket, the queue) and
 *     answer `conversation.assigned`. Nothing waiting → answer `queue.empty`.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { ConversationAssignedFrame, QueueEmptyFrame } from '#events/operator-frames.ts';
import { ChatError } from '../errors.ts';
import { freeSlots } from '../operator-roster.ts';
import { type AssignmentDeps, assignAndAnnounce } from './announce-assignments.ts';
import { fillOperator } from './assign-conversations.ts';

export async function takeNextConversation(
  deps: AssignmentDeps,
  input: { caller: Caller; connectionId: string },
): Promise<Omit<ConversationAssignedFrame, 'requestId'> | Omit<QueueEmptyFrame, 'requestId'>> {
  const operator = await deps.operators.get(input.caller.principalId);
  if (operator?.status !== 'online' || freeSlots(operator) === 0) {
    throw new ChatError('CONFLICT', {
      details: [
        {
          field: 'status',
          problem:
            operator?.status === 'online' ? 'every chat slot is taken' : 'say operator.status online first',
        },
      ],
    });
  }
  const { frames } = await assignAndAnnounce(deps, (d) => fillOperator(d, operator.operatorId, { max: 1 }), {
    answeredConnectionId: input.connectionId,
  });
  const [frame] = frames.values();
  return frame ?? { type: 'queue.empty' };
}
