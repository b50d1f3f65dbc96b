/**
 * Citizens' own transcripts (`transcript.get`) in the attachments bucket, under
 * `transcripts/{citizenId}/`: KMS-encrypted like the uploads, expired after a day by the bucket's
 * lifecycle (infra/constructs/attachments.ts), handed out by a presigned GET.
 */
import type { TranscriptStore } from '#domain/use-cases/download-transcript.ts';
import { GetObjectCommand, PutObjectCommand, S3Client } from '#shared/aws-sdk/client-s3.ts';
import { requestPresignerSdk } from '#shared/aws-sdk/s3-request-presigner.ts';

export class S3TranscriptStore implements TranscriptStore {
  private readonly client: S3Client;

  constructor(
    private readonly bucketName: string,
    /** The emulator needs path-style requests (the local stack only). */
    pathStyle = false,
  ) {
    this.client = new S3Client({ forcePathStyle: pathStyle });
  }

  async save(citizenId: string, transcriptId: string, html: string): Promise<string> {
    const key = `transcripts/${citizenId}/${transcriptId}.html`;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucketName,
        Key: key,
        Body: html,
        ContentType: 'text/html; charset=utf-8',
      }),
    );
    return key;
  }

  presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
    return requestPresignerSdk().getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucketName,
        Key: key,
        // Saved as a file, never rendered in the bucket's origin.
        ResponseContentDisposition: `attachment; filename="${fileName}"`,
        ResponseContentType: 'text/html; charset=utf-8',
      }),
      { expiresIn: expiresInSeconds },
    );
  }
}
