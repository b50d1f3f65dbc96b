/**
 * Route `attachment.url`: a presigned GET (≤ 5 minutes) of a ready attachment, for the
 * conversation's citizen and the operator or senior it is assigned to only.
 */

import { S3AttachmentBucket } from '#adapters/attachment-bucket.ts';
import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { DynamoAttachmentRepository } from '#adapters/dynamodb/attachment-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { getAttachmentUrl } from '#domain/use-cases/get-attachment-url.ts';
import { attachmentUrlFrameSchema } from '#events/attachments.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = {
  attachments: new DynamoAttachmentRepository({ attachmentsTable: config.attachmentsTable }),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  bucket: new S3AttachmentBucket({
    bucketName: config.attachmentsBucket,
    uploadEndpoint: config.attachmentUploadEndpoint,
  }),
  downloadExpirySeconds: config.attachmentDownloadSeconds,
  journal: new DynamoAccessJournal({
    accessJournalTable: config.accessJournalTable,
    retentionDays: config.journalRetentionDays,
  }),
  clock: systemClock,
  ids: randomIds,
};

export const handler = routeHandler(
  attachmentUrlFrameSchema,
  async ({ frame, caller }) => getAttachmentUrl(deps, caller, frame.attachmentId),
  // A conversation may be the caller's by citizenId: a guest verified on this connection is resolved.
  {
    sessions: new DynamoSessionRepository(config.sessionsTable),
    presence: operatorPresence(),
    staff: staffConfirmation(),
    limits: sharedFrameLimits(),
  },
);
