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
 *  3. Only if the scan says clean (in AWS nothing else may be read): the stored size and the first
 *     bytes, from which the real type is read.
 *  4. Judge (functions/domain/attachments.ts): infected or unscannable, larger than declared, or
 *     of another type than declared → rejected, the object (that version) deleted; else ready.
 *  5. Move the attachment from pending to its verdict (conditional), and only then tell the
 *     uploader's connections: `attachment.ready` or `attachment.rejected` {attachmentId, reason}.
 */
import type { AttachmentReadyFrame, AttachmentRejectedFrame, UploadedObject } from '#events/attachments.ts';
import {
  type Attachment,
  attachmentIdOfKey,
  attachmentView,
  judgeUpload,
  type ScanVerdict,
  type UploadFindings,
} from '../attachments.ts';
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
    const replayed = isJudgedObject(attachment, object);
    if (!replayed && attachment.status === 'ready') await deps.bucket.remove(key, versionId);
    return { outcome: 'decided_already' };
  }

  const scan = await deps.scanner.verdict(key, versionId);
  if (scan === 'pending') throw new ScanPendingError();
  const findings = await findingsOf(deps, scan, object);
  if (!findings) return { outcome: 'gone' };
  const verdict = judgeUpload(attachment, findings);
  if (verdict.status === 'rejected') await deps.bucket.remove(key, versionId);

  const moved = await deps.attachments.decide(attachment.attachmentId, verdict, {
    decidedAt: deps.clock.now().toISOString(),
    ...(object.etag === undefined ? {} : { etag: object.etag }),
    ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
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

/** The scan's verdict, and for a clean object what its bytes say; undefined when it is gone. */
async function findingsOf(
  deps: Pick<CheckUploadDeps, 'bucket' | 'fileTypes'>,
  scan: Exclude<ScanVerdict, 'pending'>,
  object: UploadedObject,
): Promise<UploadFindings | undefined> {
  if (scan !== 'clean') return { scan };
  const stored = await deps.bucket.head(object.key, object.versionId);
  if (!stored) return undefined;
  return { scan, size: stored.size, detectedType: await deps.fileTypes.mimeOf(stored.firstBytes) };
}

/**
 * Whether the event is about the very object that was judged (a replay, or the other of its two
 * events in AWS): the same version where the bucket keeps versions, else the same ETag.
 */
function isJudgedObject(attachment: Attachment, object: UploadedObject): boolean {
  if (attachment.versionId !== undefined && object.versionId !== undefined) {
    return attachment.versionId === object.versionId;
  }
  return attachment.etag !== undefined && attachment.etag === object.etag;
}
