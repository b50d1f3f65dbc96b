/**
 * The audit bucket (S3, Object Lock in AWS): an export's files under `exports/{exportId}/`. Each
 * object is put with its SHA-256 as the request's checksum, so S3 itself refuses a body that is not
 * what the manifest says; the bucket's default retention (Object Lock, infra/constructs/audit-store.ts)
 * keeps every version from deletion and overwrite for the configured period. The emulator on the
 * local stack stores the files but enforces no Object Lock (docs/local-stack.md).
 */
import type { ArchivedExport, AuditArchive } from '#domain/ports/audit.ts';
import { PutObjectCommand, S3Client } from '#shared/aws-sdk/client-s3.ts';

export interface AuditArchiveSettings {
  bucketName: string;
  /** The emulator needs path-style requests (set on the local stack only). */
  pathStyle?: boolean;
}

export class S3AuditArchive implements AuditArchive {
  private readonly client: S3Client;

  constructor(private readonly settings: AuditArchiveSettings) {
    this.client = new S3Client({ forcePathStyle: settings.pathStyle ?? false });
  }

  async store(
    exportId: string,
    files: readonly { name: string; contentType: string; body: Uint8Array; sha256: string }[],
  ): Promise<ArchivedExport> {
    const prefix = `exports/${exportId}/`;
    for (const file of files) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucketName,
          Key: `${prefix}${file.name}`,
          Body: file.body,
          ContentType: file.contentType,
          ChecksumSHA256: Buffer.from(file.sha256, 'hex').toString('base64'),
          // Never replace an export's file (a second writer of the same id is refused).
          IfNoneMatch: '*',
        }),
      );
    }
    return { location: `s3://${this.settings.bucketName}/${prefix}` };
  }
}
