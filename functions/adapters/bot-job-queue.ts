/**
 * The bot FIFO queue (SQS). One message group per conversation keeps a conversation's jobs in
 * order; the message id as deduplication id makes re-sending a job after a crash harmless.
 */
import type { BotJobQueue } from '#domain/ports/bot.ts';
import type { BotJob } from '#events/bot-job.ts';
import { ChangeMessageVisibilityCommand, SendMessageCommand } from '#shared/aws-sdk/client-sqs.ts';
import { sqsClient } from './sqs-client.ts';

export class SqsBotJobQueue implements BotJobQueue {
  constructor(private readonly queueUrl: string) {}

  async enqueue(job: BotJob): Promise<void> {
    await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(job),
        MessageGroupId: job.conversationId,
        MessageDeduplicationId: job.afterIdentification ? `${job.messageId}-identified` : job.messageId,
      }),
    );
  }
}

/**
 * The consumer's side of the same queue: brings a failed delivery back after `seconds` instead of
 * the queue's visibility timeout (see `redeliveryDelaySeconds`).
 */
export class SqsRedelivery {
  constructor(private readonly queueUrl: string) {}

  async retryAfter(receiptHandle: string, seconds: number): Promise<void> {
    await sqsClient.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }
}
