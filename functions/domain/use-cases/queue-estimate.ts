/**
 * Where a waiting conversation stands: its position in the queue's waiting line (the `byQueueLine`
 * index, ordered by `queuedAt`) and the estimated wait (`estimatedWaitSeconds`: the serving slots
 * are the chats of the online operators with that skill). Shared by every use case that tells a
 * citizen `conversation.updated` {queued, queuePosition, etaSeconds}.
 */

import { estimatedWaitSeconds, type Operator, type OperatorQueueName, serves } from '../operator-roster.ts';
import type { WaitingLine } from '../ports/assignment.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';

export interface QueueEstimateDeps {
  line: WaitingLine;
  operators: Pick<OperatorRepository, 'listOnline'>;
  settings: { averageHandleSeconds: number };
}

export interface QueueEstimate {
  queuePosition: number;
  etaSeconds: number;
}

/** Chats at once the queue is served with: every online operator with the skill, busy or not. */
export function servingSlots(online: readonly Operator[], queue: OperatorQueueName): number {
  return online
    .filter((o) => o.status === 'online' && serves(o, queue))
    .reduce((sum, o) => sum + o.maxChats, 0);
}

export async function estimateWait(
  deps: QueueEstimateDeps,
  queue: OperatorQueueName,
  waiting: { conversationId: string; queuedAt: string },
  online?: readonly Operator[],
): Promise<QueueEstimate> {
  const [position, operators] = await Promise.all([
    deps.line.position(queue, waiting.queuedAt, waiting.conversationId),
    online ?? deps.operators.listOnline(),
  ]);
  return {
    queuePosition: position,
    etaSeconds: estimatedWaitSeconds(
      position,
      servingSlots(operators, queue),
      deps.settings.averageHandleSeconds,
    ),
  };
}
