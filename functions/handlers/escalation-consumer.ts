/**
 * EscalationConsumer: drains the escalation FIFO queue. Each message names a conversation and an
 * attempt; the escalation itself is read from the conversation (`receive-escalation.ts`). Each
 * escalation opens its ticket, joins its
 * category's operator queue with its SLA timer, is offered to the online operators with that skill,
 * and the citizen hears their ticket number, place and wait (`admit-escalation.ts`). The batch's
 * conversations (message groups) run concurrently, so ten of them fit the 30 s timeout as one does;
 * records of one conversation run in order; a failed one fails the rest of its group
 * (`skipGroupOnError`) and comes back, and the use case's idempotency on (conversationId, attempt)
 * absorbs the repeat.
 */
import type { SQSRecord } from 'aws-lambda';
import { assignmentDeps } from '#adapters/assignment-wiring.ts';
import { receiveEscalation } from '#domain/use-cases/receive-escalation.ts';
import { escalationMessageSchema } from '#events/escalation.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const deps = assignmentDeps();

async function admit(record: SQSRecord): Promise<void> {
  const message = escalationMessageSchema.parse(JSON.parse(record.body));
  const outcome = await receiveEscalation(deps, message);
  // Ids and outcomes only (the message holds nothing else).
  logger.info('escalation admitted', {
    conversationId: message.conversationId,
    attempt: message.attempt,
    ...outcome,
  });
}

export const handler = streamHandler('sqs-fifo', admit, { metrics: true, concurrentGroups: true });
