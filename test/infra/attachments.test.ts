import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceByPath, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const { template } = synthesizeApp();
const [bucketId, bucket] = resourceByPath(template, 'AWS::S3::Bucket', 'AttachmentsAttachmentsBucket');
const [logsId, logs] = resourceByPath(template, 'AWS::S3::Bucket', 'AttachmentsAccessLogsBucket');

describe('the attachments bucket', () => {
  it('is private', () => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('is encrypted with a customer-managed key that rotates', () => {
    const rule = (bucket.Properties.BucketEncryption as { ServerSideEncryptionConfiguration: unknown[] })
      .ServerSideEncryptionConfiguration[0] as {
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: string;
        KMSMasterKeyID: { 'Fn::GetAtt': [string, string] };
      };
    };
    expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    const keyId = rule.ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0];
    expect(resourcesOf(template, 'AWS::KMS::Key')[keyId]?.Properties.EnableKeyRotation).toBe(true);
  });

  it('keeps versions and is retained with the stack', () => {
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('logs access to a separate bucket', () => {
    expect(bucket.Properties.LoggingConfiguration).toMatchObject({ DestinationBucketName: { Ref: logsId } });
    expect(logs.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it.each([
    ['attachments', bucketId],
    ['access-log', logsId],
  ])('the %s bucket refuses plain HTTP', (_, id) => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
