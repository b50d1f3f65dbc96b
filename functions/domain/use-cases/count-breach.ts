/**
 * Use case: count an SLA breach (`SlaBreaches`, docs/requirements.md#sla) once, from its record. The
 * breach is recorded on the conversation (`slaBreachedEntryId`) and for the hourly report in one
 * transaction (`SlaRecords.recordBreach`); the count follows from that record, not from the timer
 * that wrote it: whoever finds the stay's breach recorded and not yet counted claims the count
 * (`slaBreachCountedEntryId`, one conditional write, true for exactly one caller) and counts it —
 * the timer that recorded it, its redelivery after a crash, the assignment of the breached stay,
 * or the reconciler.
 *
 * The metric is a single EMF line written as it is added, right after the claim's answer: nothing
 * runs between them. What is left is a death while the claim's answer is on its way back (the
 * breach is then recorded, claimed and not counted), where before any crash after the record lost
 * the count.
 */
import type { Conversation } from '../conversations.ts';
import type { OperatorQueueName } from '../operator-roster.ts';
import type { AssignmentMetrics } from '../ports/assignment.ts';
import type { SlaRecords } from '../ports/sla.ts';

export interface CountBreachDeps {
  sla: Pick<SlaRecords, 'markBreachCounted'>;
  metrics: Pick<AssignmentMetrics, 'slaBreached'>;
}

/**
 * Counts the breach recorded on the conversation's last breached stay unless it was counted: true
 * when this call counted it. `queue`: the category queue it breached in (the metric's metadata).
 */
export async function countBreach(
  deps: CountBreachDeps,
  conversation: Pick<Conversation, 'conversationId' | 'slaBreachedEntryId' | 'slaBreachCountedEntryId'>,
  queue: OperatorQueueName,
): Promise<boolean> {
  const entryId = conversation.slaBreachedEntryId;
  if (entryId === undefined || conversation.slaBreachCountedEntryId === entryId) return false;
  if (!(await deps.sla.markBreachCounted(conversation.conversationId, entryId))) return false;
  deps.metrics.slaBreached(queue);
  return true;
}
