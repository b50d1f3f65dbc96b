/**
 * The on-call topic (SNS; the Monitoring stack's, which every alarm notifies too): what a scheduled
 * report tells on-call. The endpoint comes from `AWS_ENDPOINT_URL_SNS` on the local stack (its SNS
 * emulator), so the code has no local branch.
 */
import type { OnCallChannel } from '#domain/ports/sla.ts';
import { type SNSClient, snsSdk } from '#shared/aws-sdk/client-sns.ts';

export class SnsOnCallChannel implements OnCallChannel {
  #sns: SNSClient | undefined;

  constructor(private readonly topicArn: string) {}

  async publish(message: { subject: string; text: string; hour: string }): Promise<void> {
    const { PublishCommand, SNSClient } = snsSdk();
    this.#sns ??= new SNSClient({});
    await this.#sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS: at most 100 printable ASCII characters, no line break.
        Subject: message.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
        Message: message.text,
        MessageAttributes: { report: { DataType: 'String', StringValue: `sla#${message.hour}` } },
      }),
    );
  }
}
