/**
 * Route `attachment.create`: stores a pending attachment of the caller's conversation (within its
 * hourly window) and answers `attachment.upload` with a presigned POST for exactly that file.
 */

import { S3AttachmentBucket } from '#adapters/attachment-bucket.ts';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { createAttachment } from '#domain/use-cases/create-attachment.ts';
import { attachmentCreateFrameSchema } from '#events/attachments.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  sessions: new DynamoSessionRepository(config.sessionsTable),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  attachments: new DynamoAttachmentRepository({
    attachmentsTable: config.attachmentsTable,
    idempotencyTable: config.idempotencyTable,
  }),
  bucket: new S3AttachmentBucket({
    bucketName: config.attachmentsBucket,
    uploadEndpoint: config.attachmentUploadEndpoint,
  }),
  clock: systemClock,
  ids: randomIds,
  retentionDays: config.attachmentRetentionDays,
  uploadExpirySeconds: config.attachmentUploadSeconds,
  uploadsPerHour: config.attachmentUploadsPerHour,
};

export const handler = routeHandler(
  attachmentCreateFrameSchema,
  async ({ frame, caller }) => createAttachment(deps, caller, frame),
  { limits: sharedFrameLimits() },
);
