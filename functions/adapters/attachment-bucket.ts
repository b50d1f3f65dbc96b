/**
 * The attachments bucket (S3): presigned POSTs for uploads, presigned GETs for downloads, and what
 * the upload check reads and deletes. One S3 client per Lambda; its endpoint comes from the
 * standard `AWS_ENDPOINT_URL_S3` (the emulator locally). Locally only, uploads are presigned for
 * `ATTACHMENT_UPLOAD_ENDPOINT`, the local stack's policy-checking endpoint in front of the emulator
 * (local/s3-uploads.ts): the policy and its signature are the same as for S3 itself.
 */
import type { AttachmentBucket, PresignedUploadRequest } from '#domain/ports/attachments.ts';
import type { AttachmentUpload } from '#events/attachments.ts';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '#shared/aws-sdk/client-s3.ts';
import { presignedPostSdk } from '#shared/aws-sdk/s3-presigned-post.ts';
import { requestPresignerSdk } from '#shared/aws-sdk/s3-request-presigner.ts';

/** Enough of the file to read its type from the magic numbers (file-type reads at most 4,100 bytes). */
const FIRST_BYTES = 4100;

export interface AttachmentBucketSettings {
  bucketName: string;
  /** Local stack only: where browsers post uploads (path-style), instead of the bucket's S3 URL. */
  uploadEndpoint?: string | undefined;
}

export class S3AttachmentBucket implements AttachmentBucket {
  private readonly client: S3Client;
  private readonly uploadClient: S3Client;

  constructor(private readonly settings: AttachmentBucketSettings) {
    const local = settings.uploadEndpoint !== undefined;
    this.client = new S3Client({ forcePathStyle: local });
    this.uploadClient = local
      ? new S3Client({ endpoint: settings.uploadEndpoint, forcePathStyle: true })
      : this.client;
  }

  async presignUpload(request: PresignedUploadRequest): Promise<AttachmentUpload> {
    const { url, fields } = await presignedPostSdk().createPresignedPost(this.uploadClient, {
      Bucket: this.settings.bucketName,
      Key: request.key,
      Fields: { 'Content-Type': request.contentType },
      Conditions: [
        ['eq', '$Content-Type', request.contentType],
        ['content-length-range', 1, request.maxBytes],
      ],
      Expires: request.expiresInSeconds,
    });
    return { url, fields };
  }

  async presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
    return requestPresignerSdk().getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.settings.bucketName,
        Key: key,
        // The citizen's own name for the file, RFC 5987-encoded: never interpreted as a header.
        ResponseContentDisposition: `inline; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  async head(
    key: string,
    versionId: string | undefined,
  ): Promise<{ size: number; firstBytes: Uint8Array } | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucketName,
          Key: key,
          VersionId: versionId,
          Range: `bytes=0-${FIRST_BYTES - 1}`,
        }),
      );
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      // "bytes 0-4099/123456": the total is the object's size; an emulator that ignores Range
      // sends the whole object, whose length is the size.
      const total = /\/(\d+)$/.exec(object.ContentRange ?? '')?.[1];
      return {
        size: total === undefined ? (object.ContentLength ?? bytes.length) : Number(total),
        firstBytes: bytes.subarray(0, FIRST_BYTES),
      };
    } catch (error) {
      // Gone since the event (deleted by a replay of it, or a version that no longer exists).
      if (error instanceof NoSuchKey) return undefined;
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async remove(key: string, versionId: string | undefined): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.settings.bucketName, Key: key, VersionId: versionId }),
    );
  }
}
