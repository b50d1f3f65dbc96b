/**
 * The escalation FIFO queue (SQS): a conversation handed to the operators' side. One message group
 * per conversation; `{conversationId}#{attempt}` as deduplication id, so publishing an escalation
 * again after a crash is harmless and a later escalation of the same conversation is not dropped.
 * The event carries the intake (the citizen's words): it is never logged here.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { EscalationQueue } from '#domain/ports/bot.ts';
import { type EscalationEvent, escalationDeduplicationId } from '#events/escalation.ts';

// The client's own endpoint, not the queue URL's host (see bot-job-queue.ts).
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

export class SqsEscalationQueue implements EscalationQueue {
  constructor(private readonly queueUrl: string) {}

  async publish(event: EscalationEvent): Promise<void> {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(event),
        MessageGroupId: event.conversationId,
        MessageDeduplicationId: escalationDeduplicationId(event),
      }),
    );
  }
}
