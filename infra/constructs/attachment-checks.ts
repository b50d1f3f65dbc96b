/**
 * Attachments, the running half (docs/requirements.md#attachments): the routes `attachment.create`
 * (presigned POSTs) and `attachment.url` (presigned GETs), and the check of every upload. The
 * bucket's `Object Created` events reach EventBridge; a rule puts those under `attachments/` on the
 * upload-check queue, and AttachmentCheck judges each upload (type from its bytes, size, GuardDuty's
 * scan). A scan not finished yet fails its record alone, which comes back after the visibility
 * timeout. The bucket, its key and the malware protection plan are the data stack's (./attachments.ts).
 */
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../../functions/domain/retention.ts';
import type { AttachmentStore } from './attachments.ts';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, type HouseFunction, handlerFunctions } from './house-function.ts';
import type { Realtime } from './realtime.ts';

/** Run-time limit of one check (a batch of up to 10 uploads, each two reads and a write). */
export const ATTACHMENT_CHECK_TIMEOUT = Duration.seconds(30);

/**
 * Receives of an upload's event before it is dead-lettered: with a visibility of 6 × the timeout
 * (3 minutes), GuardDuty has half an hour to tag the object (it takes seconds to minutes).
 */
export const ATTACHMENT_CHECK_MAX_RECEIVE_COUNT = 10;

/** Properties of {@link AttachmentChecks}. */
export interface AttachmentChecksProps {
  readonly settings: FunctionSettings;
  readonly tables: ChatTables;
  /** The WebSocket API the routes are added to; the verdict is pushed through its `@connections`. */
  readonly realtime: Realtime;
  /** The data stack's bucket and key. */
  readonly store: AttachmentStore;
}

export class AttachmentChecks extends Construct {
  /** Every function of attachments: the routes' (also in `realtime.functions`) and the check. */
  readonly functions: HouseFunction[];
  /** The upload check (not a WebSocket route: pass it to Monitoring). */
  readonly check: HouseFunction;
  /** The `Object Created` events of uploads, waiting for their check. */
  readonly queue: Queue;
  /** Events whose check failed {@link ATTACHMENT_CHECK_MAX_RECEIVE_COUNT} times. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: AttachmentChecksProps) {
    super(scope, id);
    const { settings, tables, realtime, store } = props;
    const fn = handlerFunctions(this, settings);

    // The pending item and its hourly count in one transaction; the POST is signed with this role.
    const create = fn('AttachmentCreate', 'attachment-create', 'Presigns the upload of one attachment')
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useTable('ATTACHMENTS_TABLE', tables.attachments, 'write')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'write')
      .useAttachmentBucket(store.bucket, store.key, 'upload');
    const url = fn('AttachmentUrl', 'attachment-url', 'Presigns a short-lived download of a ready attachment')
      .useTable('ATTACHMENTS_TABLE', tables.attachments, 'read')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useAttachmentBucket(store.bucket, store.key, 'download')
      // Staff reads are journaled (functions/domain/access-journal.ts).
      .useTable('ACCESS_JOURNAL_TABLE', tables.accessJournal, 'append');
    realtime.addRoute('attachment.create', create);
    realtime.addRoute('attachment.url', url);
    // The same request under the name the attachments issue gives it (docs/protocol.md).
    realtime.addRoute('attachment.get', url);

    this.deadLetterQueue = new Queue(this, 'AttachmentCheckDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    this.queue = new Queue(this, 'AttachmentCheckQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(ATTACHMENT_CHECK_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: ATTACHMENT_CHECK_MAX_RECEIVE_COUNT },
    });
    new Rule(this, 'UploadCreated', {
      description: 'Uploads of attachments: the bucket’s Object Created events under attachments/',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [store.bucket.bucketName] },
          object: { key: [{ prefix: 'attachments/' }] },
        },
      },
      targets: [new SqsQueue(this.queue)],
    });
    // The scan finished (its tag is on): the check runs now instead of on the first event's retry.
    new Rule(this, 'UploadScanned', {
      description: 'GuardDuty Malware Protection scan results of attachments',
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Malware Protection Object Scan Result'],
        detail: {
          s3ObjectDetails: { bucketName: [store.bucket.bucketName], objectKey: [{ prefix: 'attachments/' }] },
        },
      },
      targets: [new SqsQueue(this.queue)],
    });

    const check = fn(
      'AttachmentCheck',
      'attachment-check',
      'Judges an upload by its bytes, size and malware scan; tells the uploader',
      ATTACHMENT_CHECK_TIMEOUT,
    )
      .useTable('ATTACHMENTS_TABLE', tables.attachments, 'readWrite')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useAttachmentBucket(store.bucket, store.key, 'check')
      .useConnectionsApi(realtime.api, realtime.stage);
    this.check = check;
    check.addEnvironment('ATTACHMENT_SCANNER', 'guardduty');
    check.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));

    this.functions = [create, url, check];
  }
}
