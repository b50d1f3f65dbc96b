/**
 * Where citizens' attachments live (docs/requirements.md#attachments; stateful): the private,
 * KMS-encrypted bucket (TLS only, no ACLs, access-logged, lifecycle = message retention, abandoned
 * uploads cleaned up), its events sent to EventBridge (the upload check listens there, the chat
 * stack's Attachments construct), and GuardDuty Malware Protection for S3 on it: every new object
 * is scanned and tagged, and the bucket policy refuses to hand out an object that is not tagged
 * clean. The functions that presign uploads and judge them are in ./attachment-checks.ts.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnMalwareProtectionPlan } from 'aws-cdk-lib/aws-guardduty';
import {
  AnyPrincipal,
  Effect,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  ObjectOwnership,
  TargetObjectKeyFormat,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The tag GuardDuty Malware Protection for S3 puts on each object it scanned, and its clean value. */
export const SCAN_STATUS_TAG = 'GuardDutyMalwareScanStatus';
export const SCAN_STATUS_CLEAN = 'NO_THREATS_FOUND';

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
  /**
   * Origins whose pages post uploads straight to the bucket (CORS: POST only), e.g. the portal's.
   * @default - none: browsers cannot post (a same-origin page or a server still can)
   */
  readonly uploadOrigins?: readonly string[];
  /**
   * Whether GuardDuty Malware Protection for S3 scans the bucket (billed per GB scanned). Off only
   * for a stage that never takes real uploads: then no object is ever tagged clean, so none is
   * ever ready.
   * @default true
   */
  readonly malwareProtection?: boolean;
}

/** The private, KMS-encrypted attachments bucket and the bucket that receives its access logs. */
export class AttachmentStore extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;
  readonly accessLogsBucket: Bucket;
  /** The role GuardDuty scans and tags with (absent when malware protection is off). */
  readonly scanRole?: Role;

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
        {
          expiration: Duration.days(props.retentionDays),
          // A rejected upload is deleted by version at once; a replaced or deleted one goes a day later.
          noncurrentVersionExpiration: Duration.days(1),
          expiredObjectDeleteMarker: false,
        },
        // Citizens' own transcripts (`transcript.get`): generated on request, kept a day.
        {
          prefix: 'transcripts/',
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
        },
        // Uploads the citizen abandoned half-way (presigned POSTs are single-part, but be safe).
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      ...((props.uploadOrigins ?? []).length > 0
        ? {
            cors: [
              {
                allowedMethods: [HttpMethods.POST],
                allowedOrigins: [...(props.uploadOrigins ?? [])],
                allowedHeaders: ['*'],
                maxAge: 3600,
              },
            ],
          }
        : {}),
      ...lifecycle,
    });
    // The bucket's events go to EventBridge (the upload check's rule listens there). Set on the L1:
    // CDK's `eventBridgeEnabled` would add a custom-resource Lambda to do what CloudFormation does itself.
    (this.bucket.node.defaultChild as CfnBucket).addPropertyOverride(
      'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
      true,
    );
    if (props.malwareProtection ?? true) this.scanRole = this.protectFromMalware();
  }

  /**
   * GuardDuty Malware Protection for S3 on the bucket, with the role it scans and tags with (the
   * permissions of the GuardDuty user guide, "Create or update IAM role policy", for one bucket and
   * its key), and the bucket policy that refuses any read of an object not tagged clean, except by
   * the scan itself.
   */
  private protectFromMalware(): Role {
    const stack = Stack.of(this);
    const managedRules = stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*',
    });
    const role = new Role(this, 'MalwareScanRole', {
      assumedBy: new ServicePrincipal('malware-protection-plan.guardduty.amazonaws.com'),
      description: 'GuardDuty Malware Protection for S3: scans and tags the attachments bucket',
      inlinePolicies: {
        scan: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
              resources: [managedRules],
              conditions: {
                StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' },
              },
            }),
            new PolicyStatement({
              actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
              resources: [managedRules],
            }),
            new PolicyStatement({
              actions: ['s3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket'],
              resources: [this.bucket.bucketArn],
            }),
            new PolicyStatement({
              actions: [
                's3:GetObject',
                's3:GetObjectVersion',
                's3:GetObjectTagging',
                's3:GetObjectVersionTagging',
                's3:PutObjectTagging',
                's3:PutObjectVersionTagging',
              ],
              resources: [this.bucket.arnForObjects('*')],
            }),
            new PolicyStatement({
              actions: ['s3:PutObject'],
              resources: [this.bucket.arnForObjects('malware-protection-resource-validation-object')],
            }),
            new PolicyStatement({
              actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
              resources: [this.key.keyArn],
              conditions: { StringLike: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
            }),
          ],
        }),
      },
    });
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*]`,
        reason:
          "GuardDuty names its managed rule itself; the wildcard is limited to that rule's documented prefix.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
        reason: 'GuardDuty scans and tags every new object of this one bucket, whatever its key.',
      },
    );

    const plan = new CfnMalwareProtectionPlan(this, 'MalwareProtectionPlan', {
      role: role.roleArn,
      protectedResource: { s3Bucket: { bucketName: this.bucket.bucketName } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    // GuardDuty checks the role's permissions when the plan is created: the policy must exist first.
    plan.node.addDependency(role);

    // Tag-based access (GuardDuty user guide): nobody but the scan reads an object GuardDuty has not
    // tagged clean, so a file that is infected, unscannable or not scanned yet is never handed out.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          StringNotEquals: { [`s3:ExistingObjectTag/${SCAN_STATUS_TAG}`]: SCAN_STATUS_CLEAN },
          ArnNotEquals: { 'aws:PrincipalArn': role.roleArn },
        },
      }),
    );
    return role;
  }
}
