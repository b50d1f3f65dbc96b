/**
 * The operator queues (SQS FIFO, one per category and `senior`; group = conversationId, dedup = the
 * entry id): one message per waiting conversation until it is assigned. Entries carry ids and times
 * only, never the citizen's words. The timer queue is `timer-queue.ts`.
 */
import type { OperatorQueueName } from '#domain/operator-roster.ts';
import type { OperatorQueues, ReceivedEntry } from '#domain/ports/assignment.ts';
import { type QueueEntry, queueEntrySchema } from '#events/queue-entry.ts';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '#shared/aws-sdk/client-sqs.ts';
import { logger } from '#shared/observability.ts';
import { sqsClient } from './sqs-client.ts';

/**
 * A short wait instead of none for a assignment run's first look at a queue: a receive without any
 * wait samples only some SQS servers and may answer empty while messages exist, and a long poll
 * returns as soon as one message is there. Later looks in the same run do not wait (see fillOnce).
 */
const RECEIVE_WAIT_SECONDS = 1;

export class SqsOperatorQueues implements OperatorQueues {
  constructor(private readonly urls: Readonly<Record<OperatorQueueName, string>>) {}

  async put(entry: QueueEntry, into: OperatorQueueName = entry.queue): Promise<void> {
    await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: this.urls[into],
        MessageBody: JSON.stringify(entry),
        MessageGroupId: entry.conversationId,
        MessageDeduplicationId: entry.entryId,
      }),
    );
  }

  async receive(
    queue: OperatorQueueName,
    max: number,
    visibilitySeconds: number,
    patient = true,
  ): Promise<ReceivedEntry[]> {
    const { Messages = [] } = await sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: this.urls[queue],
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: patient ? RECEIVE_WAIT_SECONDS : 0,
      }),
    );
    const received: ReceivedEntry[] = [];
    for (const message of Messages) {
      if (!message.ReceiptHandle) continue;
      const parsed = queueEntrySchema.safeParse(safeJson(message.Body));
      if (parsed.success) {
        received.push({ entry: parsed.data, receipt: message.ReceiptHandle });
      } else {
        // Nothing can ever assign it: left for the redrive policy to move to the dead-letter queue.
        logger.error('malformed operator queue message', { queue, messageId: message.MessageId });
      }
    }
    return received;
  }

  async remove(queue: OperatorQueueName, receipt: string): Promise<void> {
    await sqsClient.send(new DeleteMessageCommand({ QueueUrl: this.urls[queue], ReceiptHandle: receipt }));
  }

  async giveBack(queue: OperatorQueueName, receipt: string): Promise<void> {
    await sqsClient.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.urls[queue],
        ReceiptHandle: receipt,
        VisibilityTimeout: 0,
      }),
    );
  }
}

function safeJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
}
