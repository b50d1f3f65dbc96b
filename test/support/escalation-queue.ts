/**
 * Reads the escalation queue of the local stack (ESCALATION_QUEUE_URL and the SQS emulator's
 * endpoint come from the global setup), for tests that check what was handed to the operators' side.
 * Nothing consumes that queue yet (issue 6), so a test takes its own conversation's messages and
 * leaves every other one visible again at once.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type EscalationEvent, escalationEventSchema } from '#events/escalation.ts';

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

function queueUrl(): string {
  const url = process.env.ESCALATION_QUEUE_URL;
  if (!url) throw new Error('ESCALATION_QUEUE_URL is not set: is the global setup running?');
  return url;
}

/**
 * Every escalation of `conversationId` on the queue, taken off it. Polls until `quietMs` pass with
 * nothing new for that conversation after at least one was found (or `timeoutMs` without any).
 */
export async function takeEscalations(
  conversationId: string,
  { timeoutMs = 5000, quietMs = 1000 } = {},
): Promise<EscalationEvent[]> {
  const found: EscalationEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  let lastFound = Date.now();
  while (Date.now() < deadline && (found.length === 0 || Date.now() - lastFound < quietMs)) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages) {
      const event = escalationEventSchema.parse(JSON.parse(message.Body ?? ''));
      if (event.conversationId === conversationId) {
        found.push(event);
        lastFound = Date.now();
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl(), ReceiptHandle: message.ReceiptHandle }),
        );
      } else {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl(),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
    }
  }
  return found;
}
