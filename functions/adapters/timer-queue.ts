/**
 * The timer queue (SQS standard): a timer is a message delayed until it is due, a signal one sent
 * without delay; the timer consumer (`functions/handlers/timer-consumer.ts`) receives both. SQS
 * delays top out at 15 minutes: a longer timer is sent again by its consumer for the rest.
 */
import { MAX_TIMER_DELAY_SECONDS, type TimerQueue } from '#domain/ports/timers.ts';
import type { TimerMessage } from '#events/timers.ts';
import { SendMessageCommand } from '#shared/aws-sdk/client-sqs.ts';
import { sqsClient } from './sqs-client.ts';

export class SqsTimerQueue implements TimerQueue {
  constructor(private readonly queueUrl: string) {}

  async schedule(timer: TimerMessage, delaySeconds: number): Promise<void> {
    await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(timer),
        DelaySeconds: Math.max(0, Math.min(MAX_TIMER_DELAY_SECONDS, Math.ceil(delaySeconds))),
      }),
    );
  }
}
