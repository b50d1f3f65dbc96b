import { describe, expect, it } from 'vitest';
import { uploadEventSchema } from './attachments.ts';

describe('the events that start the check of an upload', () => {
  it("reads S3's Object Created event, as EventBridge delivers it", () => {
    const event = {
      version: '0',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: {
        bucket: { name: 'attachments' },
        object: { key: 'attachments/c-1/a-1', size: 68, etag: 'abc', 'version-id': 'v1' },
        reason: 'PostObject',
      },
    };
    expect(uploadEventSchema.parse(event)).toEqual({
      bucket: 'attachments',
      key: 'attachments/c-1/a-1',
      versionId: 'v1',
      etag: 'abc',
    });
  });

  it("reads GuardDuty's Object Scan Result event", () => {
    const event = {
      source: 'aws.guardduty',
      'detail-type': 'GuardDuty Malware Protection Object Scan Result',
      detail: {
        schemaVersion: '1.0',
        scanStatus: 'COMPLETED',
        resourceType: 'S3_OBJECT',
        s3ObjectDetails: {
          bucketName: 'attachments',
          objectKey: 'attachments/c-1/a-1',
          eTag: 'abc',
          versionId: 'v1',
        },
        scanResultDetails: { scanResultStatus: 'NO_THREATS_FOUND', threats: null },
      },
    };
    expect(uploadEventSchema.parse(event)).toEqual({
      bucket: 'attachments',
      key: 'attachments/c-1/a-1',
      versionId: 'v1',
      etag: 'abc',
    });
  });

  it('refuses any other event', () => {
    expect(
      uploadEventSchema.safeParse({ source: 'aws.s3', 'detail-type': 'Object Deleted', detail: {} }).success,
    ).toBe(false);
  });
});
