/**
 * Where citizens' attachments live (docs/requirements.md#attachments; stateful). The handlers that presign uploads and check file
 * types arrive with the attachments issue; the bucket exists from the start so that its policy,
 * key and logging are settled before the first byte lands in it.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  TargetObjectKeyFormat,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Properties of {@link AttachmentStore}. */
export interface AttachmentStoreProps {
  /** Days an attachment is kept, the same as the messages that refer to it. */
  readonly retentionDays: number;
  /**
   * Whether the buckets and the key outlive their stack (production). Off (a dev stage): they are
   * emptied and deleted with it.
   */
  readonly retainData: boolean;
  /**
   * Days server access logs are kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
}

/** The private, KMS-encrypted attachments bucket and the bucket that receives its access logs. */
export class AttachmentStore extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: AttachmentStoreProps) {
    super(scope, id);
    // Log delivery authorized by a bucket policy instead of the legacy LogDeliveryWrite ACL, so both
    // buckets can disable ACLs (BucketOwnerEnforced). Set here so it holds without cdk.json too.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const lifecycle = props.retainData
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      // S3 server access logging cannot deliver to a bucket encrypted with a customer-managed key.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 365) }],
      ...lifecycle,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the attachments bucket; logging it into itself would loop.',
    });

    this.key = new Key(this, 'AttachmentsKey', {
      description: 'Encrypts citizen attachments',
      enableKeyRotation: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.bucket = new Bucket(this, 'AttachmentsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of a KMS call per object: same protection, far fewer KMS requests.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'attachments/',
      targetObjectKeyFormat: TargetObjectKeyFormat.partitionedPrefix(),
      lifecycleRules: [
        { expiration: Duration.days(props.retentionDays), noncurrentVersionExpiration: Duration.days(30) },
        // Uploads the citizen abandoned half-way (presigned POSTs are single-part, but be safe).
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      ...lifecycle,
    });
  }
}
