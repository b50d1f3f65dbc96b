/**
 * The ports of attachments: their items (pending → ready/rejected), the bucket they are uploaded
 * to and read from through presigned requests, and the malware scan.
 */
import type { AttachmentContentType, AttachmentRejection, AttachmentUpload } from '#events/attachments.ts';
import type { Attachment, ScanVerdict } from '../attachments.ts';

export interface AttachmentUploadWindow {
  /** The window's key: the conversation and the clock hour. */
  conversationId: string;
  hourStart: string;
  /** At most this many `attachment.create` in the window. */
  limit: number;
  /** When the window's counter may go (epoch seconds). */
  expiresAt: number;
}

export interface AttachmentRepository {
  /**
   * Stores the pending attachment and counts it in its conversation's hourly window, in one
   * transaction: `false` (nothing written) when the window is full.
   */
  createPending(attachment: Attachment, window: AttachmentUploadWindow): Promise<boolean>;
  get(attachmentId: string): Promise<Attachment | undefined>;
  getMany(attachmentIds: readonly string[]): Promise<Attachment[]>;
  /**
   * Moves a pending attachment to its verdict; `false` when it was not pending any more (a replayed
   * event: decided already).
   */
  decide(
    attachmentId: string,
    verdict: { status: 'ready' } | { status: 'rejected'; reason: AttachmentRejection },
    decision: { decidedAt: string; etag?: string; versionId?: string },
  ): Promise<boolean>;
}

export interface PresignedUploadRequest {
  key: string;
  contentType: AttachmentContentType;
  /** The largest body the policy admits (content-length-range 1…maxBytes). */
  maxBytes: number;
  expiresInSeconds: number;
}

/** The bucket, as the domain sees it. */
export interface AttachmentBucket {
  /** A presigned POST whose policy pins the key, the content type and the size range. */
  presignUpload(request: PresignedUploadRequest): Promise<AttachmentUpload>;
  /** A presigned GET of the object, valid `expiresInSeconds`. */
  presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string>;
  /** The stored size and the first bytes (enough to read the type from), or undefined when gone. */
  head(
    key: string,
    versionId: string | undefined,
  ): Promise<{ size: number; firstBytes: Uint8Array } | undefined>;
  /** Deletes the object (the given version, so nothing of it stays behind). */
  remove(key: string, versionId: string | undefined): Promise<void>;
}

export interface MalwareScanner {
  /** `pending` while the scan has not finished yet: the check tries again later. */
  verdict(key: string, versionId: string | undefined): Promise<ScanVerdict>;
}

/** The real type of a file from its first bytes (magic numbers); undefined when none is recognised. */
export interface FileTypeReader {
  mimeOf(firstBytes: Uint8Array): Promise<string | undefined>;
}
