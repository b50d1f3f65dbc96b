/**
 * Use case: a participant of a conversation opens one of its attachments (`attachment.url`).
 *
 * Primary course:
 *  1. Read the attachment and its conversation; either unknown or expired → NOT_FOUND.
 *  2. Only the conversation's citizen (their session, or theirs by citizenId once verified) and the
 *     operator or senior it is assigned to may read it (the rule of `history.get`); anyone else →
 *     FORBIDDEN.
 *  3. Not ready (still pending, or rejected and deleted) → CONFLICT; a rejected one names its reason
 *     in `details` (`rejected: <reason>`), so that a client that missed `attachment.rejected` can say why.
 *  4. A staff caller's read is recorded in the access journal.
 *  5. Answer a presigned GET valid at most 5 minutes, with what a client shows of the file.
 */

import type { AttachmentDownloadFrame } from '#events/attachments.ts';
import type { Caller } from '#events/authorizer-context.ts';
import { journalStaffRead, type StaffReadJournal } from '../access-journal.ts';
import { attachmentView } from '../attachments.ts';
import { ChatError } from '../errors.ts';
import type { AttachmentBucket, AttachmentRepository } from '../ports/attachments.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import { mayReadHistory } from './read-history.ts';

/** The longest a download link lives (docs/requirements.md#attachments). */
export const MAX_DOWNLOAD_SECONDS = 5 * 60;

export interface GetAttachmentUrlDeps extends StaffReadJournal {
  attachments: AttachmentRepository;
  conversations: ConversationRepository;
  bucket: AttachmentBucket;
  downloadExpirySeconds: number;
}

export async function getAttachmentUrl(
  deps: GetAttachmentUrlDeps,
  caller: Caller,
  attachmentId: string,
): Promise<Omit<AttachmentDownloadFrame, 'requestId'>> {
  const attachment = await deps.attachments.get(attachmentId);
  const conversation = attachment ? await deps.conversations.get(attachment.conversationId) : undefined;
  if (!attachment || !conversation) throw new ChatError('NOT_FOUND');
  if (!mayReadHistory(conversation, caller)) throw new ChatError('FORBIDDEN');
  if (attachment.status === 'rejected')
    throw new ChatError('CONFLICT', {
      details: [{ field: 'attachmentId', problem: `rejected: ${attachment.rejection ?? 'unscannable'}` }],
    });
  if (attachment.status !== 'ready') throw new ChatError('CONFLICT');
  await journalStaffRead(deps, caller, 'attachment.url', {
    attachmentId: attachment.attachmentId,
    conversationId: attachment.conversationId,
  });

  const expiresIn = Math.min(deps.downloadExpirySeconds, MAX_DOWNLOAD_SECONDS);
  const url = await deps.bucket.presignDownload(attachment.key, attachment.fileName, expiresIn);
  return { type: 'attachment.download', ...attachmentView(attachment), url, expiresIn };
}
