/**
 * Attachments on the wire (docs/protocol.md#attachments): `attachment.create` and `attachment.url`
 * with their answers, the pushed `attachment.ready` / `attachment.rejected`, and the S3
 * `Object Created` event (as EventBridge delivers it, through the upload-check queue) that starts
 * the check of an upload.
 */
import type { AttachmentContentType, AttachmentRejection } from './attachment-rules.ts';
import { frameEnvelopeSchema } from './client-frames.ts';
import * as z from './zod.ts';

export {
  ATTACHMENT_CONTENT_TYPES,
  ATTACHMENT_REJECTIONS,
  type AttachmentContentType,
  type AttachmentRejection,
  MAX_ATTACHMENT_BYTES,
} from './attachment-rules.ts';

/**
 * `contentType` and `size` are only typed here: an unlisted type is BAD_REQUEST and a size over
 * 10 MB PAYLOAD_TOO_LARGE, the domain's rules (functions/domain/attachments.ts).
 */
export const attachmentCreateFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('attachment.create'),
  /** This backend's extension: the session's open conversation when left out. */
  conversationId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  fileName: z.string().check(z.trim(), z.minLength(1), z.maxLength(255)),
  contentType: z.string().check(z.minLength(1), z.maxLength(100)),
  size: z.int().check(z.gte(1)),
});
export type AttachmentCreateFrame = z.infer<typeof attachmentCreateFrameSchema>;

/** `attachment.get` is the same request under the name the attachments issue gives it (an alias). */
export const attachmentUrlFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.enum(['attachment.url', 'attachment.get']),
  attachmentId: z.string().check(z.minLength(1), z.maxLength(64)),
});

/** What S3 needs in the browser's multipart POST: `url`, then every field of `fields`, then `file`. */
export interface AttachmentUpload {
  url: string;
  fields: Record<string, string>;
}

export interface AttachmentUploadFrame {
  type: 'attachment.upload';
  requestId?: string;
  attachmentId: string;
  url: string;
  fields: Record<string, string>;
  /** The same `{url, fields}` grouped (this backend's extension; the flat fields are PROTOCOL's). */
  upload: AttachmentUpload;
  expiresIn: number;
}

/** What a client shows of an attachment: enough for a thumbnail or a link. */
export interface AttachmentView {
  attachmentId: string;
  fileName: string;
  contentType: AttachmentContentType;
  size: number;
}

export interface AttachmentDownloadFrame extends AttachmentView {
  type: 'attachment.download';
  requestId?: string;
  url: string;
  expiresIn: number;
}

/** Pushed to the uploader when the check passed: the id may now go into `message.send`. */
export interface AttachmentReadyFrame extends AttachmentView {
  type: 'attachment.ready';
  conversationId: string;
}

/** Pushed to the uploader when the check failed: the file is deleted and the id refused. */
export interface AttachmentRejectedFrame {
  type: 'attachment.rejected';
  attachmentId: string;
  conversationId: string;
  reason: AttachmentRejection;
}

/** An object of the attachments bucket an event is about: what the check reads. */
export interface UploadedObject {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
}

/**
 * The S3 `Object Created` event as EventBridge delivers it (the bucket sends its events to
 * EventBridge; a rule puts them on the upload-check queue). Only what the check reads.
 */
export const objectCreatedEventSchema = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.int().check(z.gte(0)),
      etag: z.optional(z.string().check(z.minLength(1))),
      'version-id': z.optional(z.string().check(z.minLength(1))),
    }),
  }),
});

/**
 * GuardDuty's `Object Scan Result` event (AWS only): the scan of an object finished and its tag is
 * on, so the check need not wait for the `Object Created` event's retry.
 */
export const scanResultEventSchema = z.object({
  source: z.literal('aws.guardduty'),
  'detail-type': z.literal('GuardDuty Malware Protection Object Scan Result'),
  detail: z.object({
    s3ObjectDetails: z.object({
      bucketName: z.string().check(z.minLength(1)),
      objectKey: z.string().check(z.minLength(1)),
      eTag: z.optional(z.string().check(z.minLength(1))),
      versionId: z.optional(z.string().check(z.minLength(1))),
    }),
  }),
});

/** S3 quotes an ETag in some places and not in others: compared without the quotes. */
const unquoted = (etag: string) => etag.replaceAll('"', '');

/** Either event, as the object it is about. */
export const uploadEventSchema = z.union([
  z.pipe(
    objectCreatedEventSchema,
    z.transform(
      ({ detail: { bucket, object } }): UploadedObject => ({
        bucket: bucket.name,
        key: object.key,
        ...(object['version-id'] === undefined ? {} : { versionId: object['version-id'] }),
        ...(object.etag === undefined ? {} : { etag: unquoted(object.etag) }),
      }),
    ),
  ),
  z.pipe(
    scanResultEventSchema,
    z.transform(
      ({ detail: { s3ObjectDetails: o } }): UploadedObject => ({
        bucket: o.bucketName,
        key: o.objectKey,
        ...(o.versionId === undefined ? {} : { versionId: o.versionId }),
        ...(o.eTag === undefined ? {} : { etag: unquoted(o.eTag) }),
      }),
    ),
  ),
]);
