/**
 * The hourly SLA report against the emulators: the records in the stack's SlaTable (DynamoDB Local,
 * written by the real adapter, breaches through the same transaction the timer consumer uses, on a
 * private copy of ConversationsTable) for an hour long past, so nothing else writes there; the
 * report published to the stack's on-call topic (fauxqs SNS), read through an SQS queue this test
 * subscribes to it. Other reports may reach that topic meanwhile (the stack's own schedule reports
 * the last hour): messages are told apart by their `report` attribute.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoSlaRecords } from '#adapters/dynamodb/sla-records.ts';
import { SnsOnCallChannel } from '#adapters/on-call-publisher.ts';
import {
  assignmentFixture,
  putConversation,
  waitingConversation,
} from '../../../test/support/assignment-fixtures.ts';
import type { Conversation } from '../conversations.ts';
import { reportedHour, type SlaAssignmentRecord } from '../sla.ts';
import { type ReportSlaDeps, reportSla } from './report-sla.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the global setup did not run`);
  return value;
};

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const sns = new SNSClient({});

/** An hour of a year long past, different for each test: `YYYY-MM-DDTHH`. */
function pastHour(): { hour: string; at: (minute: number) => Date; runAt: Date } {
  const start = Date.UTC(2001 + randomInt(0, 20), randomInt(0, 12), 1 + randomInt(0, 28), randomInt(0, 24));
  const hour = new Date(start).toISOString().slice(0, 13);
  return {
    hour,
    at: (minute) => new Date(start + minute * 60_000),
    // The run due 3 minutes after the hour ended.
    runAt: new Date(start + 63 * 60_000),
  };
}

let onCallQueueUrl: string;
let records: DynamoSlaRecords;
let conversationsTable: string;

beforeAll(async () => {
  conversationsTable = (await assignmentFixture()).conversationsTable;
  records = new DynamoSlaRecords({ slaTable: env('SLA_TABLE'), conversationsTable, retentionDays: 30 });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `on-call-test-${randomUUID()}` }));
  if (!QueueUrl) throw new Error('no queue URL');
  onCallQueueUrl = QueueUrl;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: env('ON_CALL_TOPIC_ARN'),
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'false' },
    }),
  );
});

function deps(now: Date): ReportSlaDeps {
  return {
    records,
    onCall: new SnsOnCallChannel(env('ON_CALL_TOPIC_ARN')),
    clock: { now: () => now },
    settings: { slaAssignSeconds: 120, runbookUrl: 'docs/runbooks.md#sla-report-below-target' },
  };
}

/** The on-call messages of `hour` that arrive within `waitSeconds` (SNS envelope, not raw). */
async function onCallMessagesOf(
  hour: string,
  waitSeconds: number,
): Promise<{ Subject: string; Message: string }[]> {
  const found: { Subject: string; Message: string }[] = [];
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: onCallQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages) {
      const envelope = JSON.parse(message.Body ?? '{}') as {
        Subject: string;
        Message: string;
        MessageAttributes?: Record<string, { Value: string }>;
      };
      if (envelope.MessageAttributes?.report?.Value === `sla#${hour}`) found.push(envelope);
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: onCallQueueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
  return found;
}

/** A conversation waiting in `queue` since `queuedAt`, stored in the private conversations table. */
async function waiting(queue: 'auth' | 'legal', queuedAt: Date, ticketNumber: string): Promise<Conversation> {
  const conversation = { ...waitingConversation(queue, queuedAt), ticketNumber };
  await putConversation(conversationsTable, conversation);
  return conversation;
}

function assignedRecord(at: Date, breached = false): SlaAssignmentRecord {
  return {
    conversationId: randomUUID(),
    entryId: randomUUID(),
    queue: 'auth',
    ticketNumber: `GU-${randomUUID().slice(0, 6)}`,
    queuedAt: new Date(at.getTime() - 30_000).toISOString(),
    assignedAt: at.toISOString(),
    breached,
  };
}

describe('the hourly SLA report', () => {
  it('gives the exact per cent and every breach by ticket, stores it once and tells on-call once', async () => {
    // Prepare: 3 taken on time, 2 breached (one of them taken later the same hour), 1 complex case
    // taken from the senior queue (no SLA): 3 / (3 + 2) = 60 %.
    const { hour, at, runAt } = pastHour();
    for (const minute of [5, 20, 41]) await records.recordAssignment(assignedRecord(at(minute)));
    await records.recordAssignment({ ...assignedRecord(at(30)), queue: 'senior' });
    const first = await waiting('legal', at(10), 'GU-20010101-FIRST1');
    const second = await waiting('auth', at(15), 'GU-20010101-SECND2');
    expect(await records.recordBreach(first, at(12))).toMatchObject({ status: 'breached' });
    expect(await records.recordBreach(second, at(17))).toMatchObject({ status: 'breached' });
    await records.recordAssignment({
      ...assignedRecord(at(25), true),
      conversationId: second.conversationId,
      entryId: second.queueEntryId as string,
    });

    // Act
    const outcome = await reportSla(deps(runAt), runAt);

    // Assess
    expect(outcome.published).toBe(true);
    expect(outcome.report).toMatchObject({
      hour,
      slaAssignSeconds: 120,
      onTime: 3,
      breaches: 2,
      assignedAfterBreach: 1,
      compliancePercent: 60,
    });
    expect(outcome.report.breachList).toEqual([
      {
        ticketNumber: 'GU-20010101-FIRST1',
        conversationId: first.conversationId,
        queue: 'legal',
        queuedAt: at(10).toISOString(),
        breachedAt: at(12).toISOString(),
      },
      {
        ticketNumber: 'GU-20010101-SECND2',
        conversationId: second.conversationId,
        queue: 'auth',
        queuedAt: at(15).toISOString(),
        breachedAt: at(17).toISOString(),
      },
    ]);
    const stored = await records.report(hour);
    expect(stored).toMatchObject({ ...outcome.report, publishedAt: runAt.toISOString() });
    const messages = await onCallMessagesOf(hour, 3);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Subject).toMatch(/^SLA 60% for .* UTC: 2 breach\(es\)$/);
    expect(messages[0]?.Message).toContain('GU-20010101-FIRST1');
    expect(messages[0]?.Message).toContain('GU-20010101-SECND2');

    // Act again: a rerun of the same hour (the schedule retried, or run late), after a new record.
    await records.recordAssignment(assignedRecord(at(50)));
    const rerun = await reportSla(deps(new Date(runAt.getTime() + 60_000)), runAt);

    // Assess: the same report, not published again.
    expect(rerun).toEqual({ report: stored, published: false });
    expect(await onCallMessagesOf(hour, 3)).toEqual([]);
  });

  it('publishes nothing for an hour at 100 %, and still stores its report', async () => {
    const { hour, at, runAt } = pastHour();
    await records.recordAssignment(assignedRecord(at(1)));
    await records.recordAssignment(assignedRecord(at(59)));

    const outcome = await reportSla(deps(runAt), runAt);

    expect(outcome).toMatchObject({
      published: false,
      report: { onTime: 2, breaches: 0, compliancePercent: 100 },
    });
    expect(await records.report(hour)).toMatchObject({ compliancePercent: 100 });
    expect((await records.report(hour))?.publishedAt).toBeUndefined();
    expect(await onCallMessagesOf(hour, 3)).toEqual([]);
  });

  it('counts a breach once when its SLA timer comes twice, and not at all once the entry was taken', async () => {
    const { hour, at } = pastHour();
    const conversation = await waiting('auth', at(0), 'GU-20010101-TWICE3');

    expect(await records.recordBreach(conversation, at(2))).toMatchObject({ status: 'breached' });
    expect(await records.recordBreach(conversation, at(3))).toEqual({ status: 'already' });
    const other = await waiting('auth', at(4), 'GU-20010101-TAKEN4');
    await putConversation(conversationsTable, { ...other, state: 'operator' });
    expect(await records.recordBreach(other, at(6))).toEqual({ status: 'stale' });

    const { breaches } = await records.recordsOf(hour);
    expect(breaches.map((b) => b.ticketNumber)).toEqual(['GU-20010101-TWICE3']);
  });

  it('runs by its schedule on the local stack (SLA_REPORT_PERIOD_SECONDS=5): the last hour gets its report', async () => {
    // The stack's own SlaReport, invoked by the local scheduler from the template's schedule.
    const deadline = Date.now() + 20_000;
    let hour = reportedHour(new Date()).hour;
    let found = await records.report(hour);
    while (!found && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      hour = reportedHour(new Date()).hour;
      found = await records.report(hour);
    }
    expect(found).toMatchObject({ hour, slaAssignSeconds: 3 });
  });
});
