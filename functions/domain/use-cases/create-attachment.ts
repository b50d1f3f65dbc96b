/**
 * Use case: a citizen asks to upload a file (`attachment.create`).
 *
 * Primary course:
 *  1. Check the declaration: `contentType` one of PDF, JPEG, PNG (else BAD_REQUEST), `size` at most
 *     10 MB (else PAYLOAD_TOO_LARGE).
 *  2. Find the conversation: the one named, or the session's open one. It must be this session's
 *     and open: unknown (or none open) → NOT_FOUND, another's → FORBIDDEN, closed → CONFLICT.
 *  3. Store the attachment `pending` and count it in the conversation's window of the clock hour,
 *     in one conditional transaction; a full window → RATE_LIMITED (retryAfter: the next hour),
 *     nothing stored.
 *  4. Presign a POST whose policy pins the key `attachments/{conversationId}/{attachmentId}`, the
 *     content type and the size range 1…size, valid for the upload window; answer it.
 *
 * The bytes are judged later, when they land (check-upload.ts); until then the id is refused by
 * `message.send`. A pending attachment never uploaded stays pending until its TTL.
 */

import type { AttachmentCreateFrame, AttachmentUploadFrame } from '#events/attachments.ts';
import type { Caller } from '#events/authorizer-context.ts';
import { type Attachment, attachmentKey, requireAttachableFile } from '../attachments.ts';
import { belongsToSession, type Conversation, isOpen } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import type { AttachmentBucket, AttachmentRepository } from '../ports/attachments.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { SessionRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { epochSeconds, expiresAfterDays, expiresAfterSeconds } from '../retention.ts';

export interface CreateAttachmentDeps {
  sessions: SessionRepository;
  conversations: ConversationRepository;
  attachments: AttachmentRepository;
  bucket: AttachmentBucket;
  clock: Clock;
  ids: IdGenerator;
  retentionDays: number;
  /** How long the presigned POST is valid. */
  uploadExpirySeconds: number;
  /** At most this many `attachment.create` per conversation and clock hour. */
  uploadsPerHour: number;
}

const HOUR_SECONDS = 60 * 60;

export async function createAttachment(
  deps: CreateAttachmentDeps,
  caller: Caller,
  frame: Pick<AttachmentCreateFrame, 'conversationId' | 'fileName' | 'contentType' | 'size'>,
): Promise<Omit<AttachmentUploadFrame, 'requestId'>> {
  const contentType = requireAttachableFile(frame.contentType, frame.size);
  const conversation = await uploadTarget(deps, caller, frame.conversationId);

  const now = deps.clock.now();
  const attachmentId = deps.ids.newId();
  const key = attachmentKey(conversation.conversationId, attachmentId);
  const attachment: Attachment = {
    attachmentId,
    conversationId: conversation.conversationId,
    uploaderId: caller.principalId,
    key,
    fileName: frame.fileName,
    contentType,
    size: frame.size,
    status: 'pending',
    createdAt: now.toISOString(),
    expiresAt: expiresAfterDays(now, deps.retentionDays),
  };
  const hourStart = Math.floor(epochSeconds(now) / HOUR_SECONDS) * HOUR_SECONDS;
  const stored = await deps.attachments.createPending(attachment, {
    conversationId: conversation.conversationId,
    hourStart: new Date(hourStart * 1000).toISOString(),
    limit: deps.uploadsPerHour,
    expiresAt: expiresAfterSeconds(now, 2 * HOUR_SECONDS),
  });
  if (!stored) {
    throw new ChatError('RATE_LIMITED', { retryAfter: hourStart + HOUR_SECONDS - epochSeconds(now) });
  }

  const upload = await deps.bucket.presignUpload({
    key,
    contentType,
    maxBytes: frame.size,
    expiresInSeconds: deps.uploadExpirySeconds,
  });
  return {
    type: 'attachment.upload',
    attachmentId,
    url: upload.url,
    fields: upload.fields,
    upload,
    expiresIn: deps.uploadExpirySeconds,
  };
}

async function uploadTarget(
  deps: Pick<CreateAttachmentDeps, 'sessions' | 'conversations'>,
  caller: Caller,
  conversationId: string | undefined,
): Promise<Conversation> {
  const id = conversationId ?? (await deps.sessions.get(caller.sessionId))?.openConversationId;
  const conversation = id === undefined ? undefined : await deps.conversations.get(id);
  if (!conversation) {
    throw new ChatError('NOT_FOUND', {
      details: [{ field: 'conversationId', problem: 'no open conversation: send a message first' }],
    });
  }
  if (!belongsToSession(conversation, caller.sessionId)) throw new ChatError('FORBIDDEN');
  if (!isOpen(conversation)) throw new ChatError('CONFLICT');
  return conversation;
}
