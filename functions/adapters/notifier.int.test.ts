/**
 * The out-of-band notifier against the local stack: the local outbox records each channel as the
 * notifier was given it, and a message SNS refuses (fauxqs has no SMS, as an account in the SMS
 * sandbox refuses unverified numbers) fails with an error that names the channel, not the phone.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { AwsOutOfBandNotifier, LocalOutboxNotifier, OutOfBandDeliveryError } from './notifier.ts';

const outboxUrl = `${inject('localHttpUrl')}/local/outbox`;

async function outboxFor(to: string): Promise<Record<string, unknown>[]> {
  const { items } = (await (await fetch(outboxUrl)).json()) as { items: Record<string, unknown>[] };
  return items.filter((item) => item.to === to);
}

describe('the local outbox notifier', () => {
  it('records an SMS, an e-mail and a push as they would have been sent', async () => {
    // Prepare
    const notifier = new LocalOutboxNotifier(outboxUrl);
    const phone = `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    const email = `${randomUUID()}@example.ru`;
    const endpoint = `arn:aws:sns:eu-central-1:000000000000:endpoint/GCM/portal/${randomUUID()}`;

    // Act
    await notifier.send({ channel: 'sms', to: phone, text: 'Код: 123456' });
    await notifier.send({ channel: 'email', to: email, subject: 'Код', text: 'Код: 654321' });
    await notifier.send({
      channel: 'push',
      to: endpoint,
      title: 'Заявка',
      text: 'В работе',
      data: { ticketId: 't-1' },
    });

    // Assess
    expect(await outboxFor(phone)).toEqual([
      expect.objectContaining({ channel: 'sms', text: 'Код: 123456' }),
    ]);
    expect(await outboxFor(email)).toEqual([expect.objectContaining({ channel: 'email', subject: 'Код' })]);
    expect(await outboxFor(endpoint)).toEqual([
      expect.objectContaining({
        channel: 'push',
        subject: 'Заявка',
        text: 'В работе',
        meta: { ticketId: 't-1' },
      }),
    ]);
  });
});

describe('the AWS notifier', () => {
  it('fails a refused SMS with an error that names the channel and never the phone', async () => {
    // Prepare
    const notifier = new AwsOutOfBandNotifier('no-reply@gosuslugi.example');
    const phone = '+79161234567';

    // Act
    const sending = notifier.send({ channel: 'sms', to: phone, text: 'Код: 123456' });

    // Assess
    const error = await sending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfBandDeliveryError);
    expect(error).toMatchObject({ channel: 'sms' });
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
      '9161234567',
    );
    expect((error as Error).cause).toBeUndefined();
  });
});
