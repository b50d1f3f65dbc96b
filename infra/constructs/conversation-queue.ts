/**
 * The one way this stack makes a queue of per-conversation work: SQS FIFO with high-throughput
 * mode (ordering and deduplication per message group = conversation), the producer's own
 * deduplication id, SQS-managed encryption, TLS only, and a FIFO dead-letter queue that keeps a
 * failed message long enough for on-call to inspect and redrive it.
 */
import { Duration } from 'aws-cdk-lib';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../../functions/domain/retention.ts';

export interface ConversationQueueOptions {
  /** Prefix of the construct ids: `<name>Queue` and `<name>DeadLetterQueue`. */
  readonly name: string;
  /** How long a received message stays hidden from other consumers. */
  readonly visibilityTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /**
   * How long an unconsumed message is kept.
   * @default 4 days (SQS's default)
   */
  readonly retentionPeriod?: Duration;
}

export interface ConversationQueue {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

export function conversationQueue(scope: Construct, options: ConversationQueueOptions): ConversationQueue {
  const deadLetterQueue = new Queue(scope, `${options.name}DeadLetterQueue`, {
    fifo: true,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // Long enough for on-call to inspect and redrive after a long weekend.
    retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
  });
  const queue = new Queue(scope, `${options.name}Queue`, {
    fifo: true,
    // The producer sets the deduplication id: two identical bodies can be two pieces of work.
    contentBasedDeduplication: false,
    deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
    fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: options.visibilityTimeout,
    ...(options.retentionPeriod ? { retentionPeriod: options.retentionPeriod } : {}),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: options.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
