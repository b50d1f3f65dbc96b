/**
 * EscalationConsumer: drains the escalation FIFO queue. Each escalation opens its ticket, joins its
 * category's operator queue with its SLA timer, is offered to the online operators with that skill,
 * and the citizen hears their ticket number, place and wait (`admit-escalation.ts`). The batch's
 * conversations (message groups) run concurrently, so ten of them fit the 30 s timeout as one does;
 * records of one conversation run in order; a failed one fails the rest of its group
 * (`skipGroupOnError`) and comes back, and the use case's idempotency on (conversationId, attempt)
 * absorbs the repeat.
 */
import type { SQSRecord } from 'aws-lambda';
import { assignmentDeps } from '#adapters/assignment-wiring.ts';
import { admitEscalation } from '#domain/use-cases/admit-escalation.ts';
import { escalationEventSchema } from '#events/escalation.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const deps = assignmentDeps();

async function admit(record: SQSRecord): Promise<void> {
  const event = escalationEventSchema.parse(JSON.parse(record.body));
  const outcome = await admitEscalation(deps, event);
  // Ids and outcomes only: the intake is the citizen's words.
  logger.info('escalation admitted', {
    conversationId: event.conversationId,
    attempt: event.attempt,
    ...outcome,
  });
}

export const handler = streamHandler('sqs-fifo', admit, { metrics: true, concurrentGroups: true });
