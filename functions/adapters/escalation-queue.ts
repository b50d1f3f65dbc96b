/**
 * The escalation FIFO queue (SQS): a conversation handed to the operators' side. One message group
 * per conversation; `{conversationId}#{attempt}` as deduplication id, so publishing an escalation
 * again after a crash is harmless and a later escalation of the same conversation is not dropped.
 * The message is the ids alone (`EscalationMessage`): the intake, the citizen's words, stays on the
 * conversation, where the consumer reads it (events/escalation.ts).
 */
import type { EscalationQueue } from '#domain/ports/bot.ts';
import {
  type EscalationEvent,
  type EscalationMessage,
  escalationDeduplicationId,
} from '#events/escalation.ts';
import { SendMessageCommand } from '#shared/aws-sdk/client-sqs.ts';
import { sqsClient } from './sqs-client.ts';

export class SqsEscalationQueue implements EscalationQueue {
  constructor(private readonly queueUrl: string) {}

  async publish(event: EscalationEvent): Promise<void> {
    const message: EscalationMessage = { conversationId: event.conversationId, attempt: event.attempt };
    await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: event.conversationId,
        MessageDeduplicationId: escalationDeduplicationId(event),
      }),
    );
  }
}
