/**
 * Use case: an upload landed in the attachments bucket (its S3 `Object Created` event, or in AWS
 * GuardDuty's scan result for it, whichever comes first) and is judged before anyone may use it.
 *
 * Primary course:
 *  1. Find the attachment of the key. A key no `attachment.create` granted is deleted. An
 *     attachment no longer pending was decided already: the same object again (a replayed event,
 *     same ETag) is left alone; other bytes sent again with the same presigned POST are deleted
 *     (that version), so what was judged is what stays.
 *  2. Ask the malware scan for its verdict: GuardDuty's tag in AWS, the local scanner here. Not
 *     finished yet → throw: the event comes back after its visibility timeout and asks again (in
 *     AWS the scan-result event usually comes first and finds the tag on).
 *  3. Read the stored size and the first bytes; the real type is read from the bytes.
 *  4. Judge (functions/domain/attachments.ts): infected or unscannable, larger than declared, or
 *     of another type than declared → rejected, the object (that version) deleted; else ready.
 *  5. Move the attachment from pending to its verdict (conditional), and only then tell the
 *     uploader's connections: `attachment.ready` or `attachment.rejected` {attachmentId, reason}.
 */
import type { AttachmentReadyFrame, AttachmentRejectedFrame, UploadedObject } from '#events/attachments.ts';
import { attachmentIdOfKey, attachmentView, judgeUpload } from '../attachments.ts';
import type {
  AttachmentBucket,
  AttachmentRepository,
  FileTypeReader,
  MalwareScanner,
} from '../ports/attachments.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';

export interface CheckUploadDeps {
  attachments: AttachmentRepository;
  bucket: AttachmentBucket;
  scanner: MalwareScanner;
  fileTypes: FileTypeReader;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  clock: Clock;
}

/** Thrown while the malware scan has not finished: the event is retried. */
export class ScanPendingError extends Error {
  constructor() {
    super('malware scan not finished');
    this.name = 'ScanPendingError';
  }
}

export type CheckOutcome =
  | { outcome: 'ready' | 'rejected'; attachmentId: string; reason?: string }
  | { outcome: 'ungranted' | 'decided_already' | 'gone' };

export async function checkUpload(deps: CheckUploadDeps, object: UploadedObject): Promise<CheckOutcome> {
  const { key, versionId } = object;
  const granted = attachmentIdOfKey(key);
  const attachment = granted ? await deps.attachments.get(granted.attachmentId) : undefined;
  if (!attachment || attachment.key !== key) {
    await deps.bucket.remove(key, versionId);
    return { outcome: 'ungranted' };
  }
  if (attachment.status !== 'pending') {
    const replayed = attachment.etag !== undefined && attachment.etag === object.etag;
    if (!replayed && attachment.status === 'ready') await deps.bucket.remove(key, versionId);
    return { outcome: 'decided_already' };
  }

  const scan = await deps.scanner.verdict(key, versionId);
  if (scan === 'pending') throw new ScanPendingError();
  const stored = await deps.bucket.head(key, versionId);
  if (!stored) return { outcome: 'gone' };
  const detectedType = await deps.fileTypes.mimeOf(stored.firstBytes);
  const verdict = judgeUpload(attachment, { size: stored.size, detectedType, scan });
  if (verdict.status === 'rejected') await deps.bucket.remove(key, versionId);

  const moved = await deps.attachments.decide(attachment.attachmentId, verdict, {
    decidedAt: deps.clock.now().toISOString(),
    ...(object.etag === undefined ? {} : { etag: object.etag }),
  });
  if (!moved) return { outcome: 'decided_already' };

  const frame: AttachmentReadyFrame | AttachmentRejectedFrame =
    verdict.status === 'ready'
      ? { type: 'attachment.ready', ...attachmentView(attachment), conversationId: attachment.conversationId }
      : {
          type: 'attachment.rejected',
          attachmentId: attachment.attachmentId,
          conversationId: attachment.conversationId,
          reason: verdict.reason,
        };
  const connections = await deps.connections.listByPrincipal(attachment.uploaderId);
  await Promise.all(
    connections.map(async ({ connectionId }) => {
      if ((await deps.notifier.post(connectionId, frame)) === 'gone')
        await deps.connections.delete(connectionId);
    }),
  );
  return verdict.status === 'ready'
    ? { outcome: 'ready', attachmentId: attachment.attachmentId }
    : { outcome: 'rejected', attachmentId: attachment.attachmentId, reason: verdict.reason };
}
