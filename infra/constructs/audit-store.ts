/**
 * The audit bucket (stateful; docs/architecture.md, "Audit and personal data"): where the platform
 * team's exports for a regulator are written, each under `exports/{exportId}/`. S3 Object Lock with
 * a default retention (`COMPLIANCE` in prod: nobody, root included, can delete or overwrite an
 * export before it ends), its own KMS key, TLS only, no public access or ACLs, access-logged, and a
 * lifecycle that lets an export go once its lock has ended. Retained with the stage's data (prod);
 * a dev stage has no default retention (its exports are not locked) and `cdk destroy` empties it.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectLockRetention,
  ObjectOwnership,
  TargetObjectKeyFormat,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AuditLockMode } from '../stage.ts';

/** Properties of {@link AuditStore}. */
export interface AuditStoreProps {
  /** Days each export is locked (Object Lock default retention), then kept until it expires. */
  readonly retentionDays: number;
  /** The Object Lock default retention's mode, or `OFF` for none (infra/stage.ts {@link AuditLockMode}). */
  readonly lockMode: AuditLockMode;
  /** Whether the bucket and its key outlive their stack (production); off: emptied and deleted with it. */
  readonly retainData: boolean;
  /** Where the bucket's server access logs go (the attachments' log bucket, prefix `audit/`). */
  readonly accessLogsBucket: IBucket;
}

/** The Object Lock bucket of audit exports and its key. */
export class AuditStore extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AuditStoreProps) {
    super(scope, id);
    const period = Duration.days(props.retentionDays);
    this.key = new Key(this, 'AuditKey', {
      description: 'Encrypts the audit exports',
      enableKeyRotation: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const lock =
      props.lockMode === 'OFF'
        ? {}
        : {
            objectLockDefaultRetention:
              props.lockMode === 'COMPLIANCE'
                ? ObjectLockRetention.compliance(period)
                : ObjectLockRetention.governance(period),
          };
    this.bucket = new Bucket(this, 'AuditBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Object Lock needs versioning.
      versioned: true,
      objectLockEnabled: true,
      ...lock,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'audit/',
      targetObjectKeyFormat: TargetObjectKeyFormat.partitionedPrefix(),
      lifecycleRules: [
        // S3 cannot expire a locked version: an export goes once its lock has ended.
        { expiration: period, noncurrentVersionExpiration: Duration.days(1) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      ...(props.retainData
        ? { removalPolicy: RemovalPolicy.RETAIN }
        : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }),
    });
  }
}
