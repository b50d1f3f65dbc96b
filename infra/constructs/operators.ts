/**
 * The operators' side of the handover (C5), as far as it exists: the FIFO queue a conversation is
 * put on when the bot hands it over (stateful, {@link EscalationQueues}). The bot worker and the
 * `operator.request` route send to it; the dispatcher of issue 6, which creates the ticket and routes
 * by category to the operator queues, will consume it. Until then messages wait here (14 days).
 */
import { Duration } from 'aws-cdk-lib';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { conversationQueue } from './conversation-queue.ts';

/** Receives before an escalation goes to the dead-letter queue. */
export const ESCALATION_MAX_RECEIVE_COUNT = 5;

/**
 * How long a received escalation stays hidden: 6 times the 30 s a consumer may take, the rule the bot
 * queue follows (AWS guidance for Lambda event sources). Issue 6's dispatcher keeps within it.
 */
export const ESCALATION_VISIBILITY_TIMEOUT = Duration.seconds(6 * 30);

/** The escalation FIFO queue and its FIFO dead-letter queue. */
export class EscalationQueues extends Construct {
  /** Escalations (`events/escalation.ts`): group = conversationId, dedup = `{conversationId}#{attempt}` (set by the producer). */
  readonly queue: Queue;
  /** Escalations that failed {@link ESCALATION_MAX_RECEIVE_COUNT} times. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = conversationQueue(this, {
      name: 'Escalation',
      visibilityTimeout: ESCALATION_VISIBILITY_TIMEOUT,
      maxReceiveCount: ESCALATION_MAX_RECEIVE_COUNT,
      // A citizen waiting for a person must never be lost: kept as long as SQS allows.
      retentionPeriod: Duration.days(14),
    }));
  }
}
