/**
 * AttachmentCheck: drains the upload-check queue, where EventBridge rules put the attachments
 * bucket's `Object Created` events and GuardDuty's scan results for its objects (on the local
 * stack, the upload endpoint puts the same `Object Created` event there). Each upload is judged by its bytes, size and malware scan (check-upload.ts); a record
 * whose scan has not finished fails alone and comes back after its visibility timeout.
 */
import type { SQSRecord } from 'aws-lambda';
import { S3AttachmentBucket } from '#adapters/attachment-bucket.ts';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { magicNumberFileTypes } from '#adapters/file-types.ts';
import { malwareScanner } from '#adapters/malware-scanner.ts';
import { systemClock } from '#adapters/system.ts';
import { checkUpload } from '#domain/use-cases/check-upload.ts';
import { uploadEventSchema } from '#events/attachments.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { streamHandler } from '#shared/stream-handler.ts';

const deps = {
  attachments: new DynamoAttachmentRepository({ attachmentsTable: config.attachmentsTable }),
  bucket: new S3AttachmentBucket({
    bucketName: config.attachmentsBucket,
    uploadEndpoint: config.attachmentUploadEndpoint,
  }),
  scanner: malwareScanner(
    config.attachmentScanner,
    config.attachmentsBucket,
    config.attachmentUploadEndpoint !== undefined,
  ),
  fileTypes: magicNumberFileTypes,
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  clock: systemClock,
};

async function check(record: SQSRecord): Promise<void> {
  const object = uploadEventSchema.parse(JSON.parse(record.body));
  const outcome = await checkUpload(deps, object);
  // Ids and verdicts only: the file's name is the citizen's.
  logger.info('upload checked', outcome);
}

export const handler = streamHandler('sqs', check, { metrics: true });
