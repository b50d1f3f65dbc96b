/**
 * Attachments (docs/requirements.md#attachments): the stored shape (pending → ready or rejected),
 * the rules of `attachment.create` (type, size), where an upload lands in the bucket, the verdict
 * of the check on the uploaded bytes, and the one rule every message path applies to
 * `attachmentIds`: only ready attachments of the sender's own conversation.
 */
import {
  ATTACHMENT_CONTENT_TYPES,
  type AttachmentContentType,
  type AttachmentRejection,
  type AttachmentView,
  MAX_ATTACHMENT_BYTES,
} from '#events/attachments.ts';
import { badRequest, ChatError } from './errors.ts';

export type AttachmentStatus = 'pending' | 'ready' | 'rejected';

export interface Attachment {
  attachmentId: string;
  conversationId: string;
  /** Who asked for the upload: a citizen's session id (their connections hear the verdict). */
  uploaderId: string;
  /** Where the bytes are: `attachments/{conversationId}/{attachmentId}`. */
  key: string;
  /** The citizen's name for the file: personal data, never logged. */
  fileName: string;
  contentType: AttachmentContentType;
  /** The declared size in bytes: the upper end of the policy's content-length-range. */
  size: number;
  status: AttachmentStatus;
  createdAt: string;
  decidedAt?: string;
  rejection?: AttachmentRejection;
  /** The ETag and version of the object that was judged: a replayed event is told from bytes sent again. */
  etag?: string;
  versionId?: string;
  /** TTL: the message retention, so the item goes with the bytes (bucket lifecycle). */
  expiresAt: number;
}

export function isAttachmentContentType(value: string): value is AttachmentContentType {
  return (ATTACHMENT_CONTENT_TYPES as readonly string[]).includes(value);
}

/** The declared type and size, or BAD_REQUEST / PAYLOAD_TOO_LARGE naming the field. */
export function requireAttachableFile(contentType: string, size: number): AttachmentContentType {
  if (!isAttachmentContentType(contentType)) {
    throw badRequest([
      { field: 'contentType', problem: `not one of ${ATTACHMENT_CONTENT_TYPES.join(', ')}` },
    ]);
  }
  if (size > MAX_ATTACHMENT_BYTES) {
    throw new ChatError('PAYLOAD_TOO_LARGE', {
      details: [{ field: 'size', problem: `larger than ${MAX_ATTACHMENT_BYTES} bytes` }],
    });
  }
  return contentType;
}

/** The object key of an attachment: the policy grants exactly this one. */
export function attachmentKey(conversationId: string, attachmentId: string): string {
  return `attachments/${conversationId}/${attachmentId}`;
}

const KEY_PATTERN = /^attachments\/([^/]+)\/([^/]+)$/;

/** The attachment an object key belongs to, or undefined for a key no policy grants. */
export function attachmentIdOfKey(key: string): { conversationId: string; attachmentId: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match?.[1] || !match[2]) return undefined;
  return { conversationId: match[1], attachmentId: match[2] };
}

/** What the malware scan says about an object: GuardDuty's tag in AWS, the local scanner here. */
export type ScanVerdict = 'clean' | 'infected' | 'unscannable' | 'pending';

/**
 * What the check found in the bucket: the scan's verdict, and for a clean object its stored size
 * and the type read from its bytes (magic numbers; undefined when none is recognised). An object
 * not tagged clean is never read: in AWS the bucket policy refuses it.
 */
export type UploadFindings =
  | { scan: 'infected' | 'unscannable' }
  | { scan: 'clean'; size: number; detectedType: string | undefined };

/**
 * The verdict on an upload: the scan first (an infected file is rejected whatever it claims), then
 * the size against the declaration, then the real type against the declared one.
 */
export function judgeUpload(
  attachment: Pick<Attachment, 'contentType' | 'size'>,
  findings: UploadFindings,
): { status: 'ready' } | { status: 'rejected'; reason: AttachmentRejection } {
  if (findings.scan !== 'clean') {
    return { status: 'rejected', reason: findings.scan === 'infected' ? 'malware' : 'unscannable' };
  }
  if (findings.size > attachment.size || findings.size > MAX_ATTACHMENT_BYTES) {
    return { status: 'rejected', reason: 'too_large' };
  }
  if (findings.detectedType !== attachment.contentType)
    return { status: 'rejected', reason: 'type_mismatch' };
  return { status: 'ready' };
}

export function attachmentView(attachment: Attachment): AttachmentView {
  return {
    attachmentId: attachment.attachmentId,
    fileName: attachment.fileName,
    contentType: attachment.contentType,
    size: attachment.size,
  };
}

/**
 * The one check of `attachmentIds` on every message path (`message.send`, and through it the
 * intake): each id must name a ready attachment of `conversationId` uploaded by `uploaderId`.
 * Anything else is BAD_REQUEST naming the offending ids, and nothing is stored.
 */
export async function requireReadyAttachments(
  // The port's `getMany` (ports/attachments.ts), named structurally: that module imports this one.
  attachments: { getMany(attachmentIds: readonly string[]): Promise<Attachment[]> },
  owner: { conversationId: string; uploaderId: string },
  attachmentIds: readonly string[] | undefined,
): Promise<void> {
  if (!attachmentIds?.length) return;
  const unique = [...new Set(attachmentIds)];
  const found = new Map((await attachments.getMany(unique)).map((a) => [a.attachmentId, a]));
  const details = attachmentIds.flatMap((id, i) => {
    const attachment = found.get(id);
    if (
      !attachment ||
      attachment.conversationId !== owner.conversationId ||
      attachment.uploaderId !== owner.uploaderId
    ) {
      return [{ field: `attachmentIds.${i}`, problem: 'no such attachment of this conversation' }];
    }
    if (attachment.status !== 'ready') {
      return [{ field: `attachmentIds.${i}`, problem: `attachment ${attachment.status}, not ready` }];
    }
    return [];
  });
  if (details.length > 0) throw badRequest(details);
}
