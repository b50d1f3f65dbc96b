/**
 * The escalation FIFO queue (SQS): a conversation handed to the operators' side. One message group
 * per conversation; `{conversationId}#{attempt}` as deduplication id, so publishing an escalation
 * again after a crash is harmless and a later escalation of the same conversation is not dropped.
 * The event carries the intake (the citizen's words): it is never logged here.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { EscalationQueue } from '#domain/ports/bot.ts';
import { type EscalationEvent, escalationDeduplicationId } from '#events/escalation.ts';
import { sqsClient } from './sqs-client.ts';

export class SqsEscalationQueue implements EscalationQueue {
  constructor(private readonly queueUrl: string) {}

  async publish(event: EscalationEvent): Promise<void> {
    await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(event),
        MessageGroupId: event.conversationId,
        MessageDeduplicationId: escalationDeduplicationId(event),
      }),
    );
  }
}
