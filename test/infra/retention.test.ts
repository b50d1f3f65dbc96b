/**
 * Retention, one configured period per kind of data (docs/architecture.md, "Retention"): the
 * context's periods reach every function as the TTLs it writes (messages, tickets, attachments,
 * journals), the attachments bucket's lifecycle, and the audit bucket's Object Lock and lifecycle;
 * every table expires items by the same TTL attribute. The audit bucket is locked (COMPLIANCE in
 * production), encrypted with its own KMS key, private and TLS only.
 */
import { describe, expect, it } from 'vitest';
import { TTL_ATTRIBUTE } from '../../infra/constructs/data.ts';
import { environmentOf, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare: six different periods, so that each can only have come from its own setting.
const periods = {
  messageRetentionDays: 11,
  ticketRetentionDays: 22,
  attachmentRetentionDays: 33,
  journalRetentionDays: 44,
  auditExportRetentionDays: 55,
  visitRetentionDays: 66,
};
const app = synthesizeApp({ stage: 'prod', alarmEmail: 'oncall@example.org', ...periods });
const data = app.templates['SupportChat-prod-Data'];
const chat = app.templates['SupportChat-prod-Chat'];
if (!data || !chat) throw new Error('no data or chat stack');
const bucket = (prefix: string) => {
  const found = Object.entries(resourcesOf(data, 'AWS::S3::Bucket')).find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no bucket ${prefix}`);
  return found[1].Properties as Record<string, unknown>;
};

describe('retention', () => {
  it('gives every function the TTL of each kind of data from the configuration', () => {
    const functions = Object.values(resourcesOf(chat, 'AWS::Lambda::Function')).filter(
      (fn) => fn.Metadata?.['local:entry'] !== undefined,
    );
    expect(functions.length).toBeGreaterThan(30);
    for (const fn of functions) {
      expect(environmentOf(fn)).toMatchObject({
        MESSAGE_RETENTION_DAYS: '11',
        TICKET_RETENTION_DAYS: '22',
        ATTACHMENT_RETENTION_DAYS: '33',
        JOURNAL_RETENTION_DAYS: '44',
        VISIT_RETENTION_DAYS: '66',
      });
    }
  });

  it('expires the items of every table by the TTL attribute the functions write', () => {
    for (const [id, table] of Object.entries(resourcesOf(data, 'AWS::DynamoDB::Table'))) {
      expect(table.Properties.TimeToLiveSpecification, id).toEqual({
        AttributeName: TTL_ATTRIBUTE,
        Enabled: true,
      });
    }
  });

  it('expires attachments’ bytes after the attachments’ period', () => {
    const rules = (
      bucket('AttachmentsAttachmentsBucket').LifecycleConfiguration as { Rules: Record<string, unknown>[] }
    ).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 33, Status: 'Enabled' }));
  });

  it('locks every audit export for its period (COMPLIANCE), then lets it expire', () => {
    const audit = bucket('AuditAuditBucket');
    expect(audit.ObjectLockEnabled).toBe(true);
    expect(audit.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 55 } },
    });
    expect(audit.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = (audit.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 55, Status: 'Enabled' }));
  });

  it('keeps the audit bucket private, encrypted with its own key and reachable over TLS only', () => {
    const audit = bucket('AuditAuditBucket');
    expect(audit.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(audit.BucketEncryption)).toContain('aws:kms');
    const policies = Object.values(resourcesOf(data, 'AWS::S3::BucketPolicy')).filter((p) =>
      JSON.stringify(p.Properties.Bucket).includes('AuditAuditBucket'),
    );
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });
});

describe('who may touch the audit exports and the citizens’ transcripts', () => {
  /** The S3 statements of the role of the chat stack's function whose logical id starts with `prefix`. */
  function s3Statements(prefix: string): { Action: string[]; Resource: string }[] {
    return roleStatements(prefix).filter((s) => s.Action.some((a) => a.startsWith('s3:')));
  }

  /** Every statement of the role of the chat stack's function whose logical id starts with `prefix`. */
  function roleStatements(prefix: string): { Action: string[]; Resource: string }[] {
    if (!chat) throw new Error('no chat stack');
    const fn = Object.entries(resourcesOf(chat, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith(prefix),
    );
    if (!fn) throw new Error(`no function ${prefix}`);
    const roleId = (fn[1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = [
      ...Object.values(resourcesOf(chat, 'AWS::IAM::Policy')),
      ...Object.values(resourcesOf(chat, 'AWS::IAM::ManagedPolicy')),
    ].filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`));
    return policies
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      )
      .map((s) => ({ Action: [s.Action].flat() as string[], Resource: JSON.stringify(s.Resource) }));
  }

  it('lets no function change or delete an entry of the access journal: new entries only (PutItem), and reads', () => {
    if (!chat) throw new Error('no chat stack');
    const statements = [
      ...Object.values(resourcesOf(chat, 'AWS::IAM::Policy')),
      ...Object.values(resourcesOf(chat, 'AWS::IAM::ManagedPolicy')),
    ]
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      )
      .filter((s) => JSON.stringify(s.Resource ?? null).includes('AccessJournal'));
    const actions = new Set(statements.flatMap((s) => [s.Action].flat() as string[]));
    expect(actions.has('dynamodb:PutItem')).toBe(true);
    for (const forbidden of ['dynamodb:DeleteItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'])
      expect(actions.has(forbidden)).toBe(false);
  });

  it('lets AuditExport only add files under exports/ of the audit bucket: no read, no delete, no lock bypass', () => {
    const statements = s3Statements('AuditAuditExport');
    expect(statements.flatMap((s) => s.Action)).toEqual(['s3:PutObject']);
    expect(
      statements.every((s) => s.Resource.includes('AuditAuditBucket') && s.Resource.includes('/exports/*')),
    ).toBe(true);
  });

  it('deletes a citizen’s transcript a day after it was written (current and replaced versions)', () => {
    const rules = (
      bucket('AttachmentsAttachmentsBucket').LifecycleConfiguration as { Rules: Record<string, unknown>[] }
    ).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'transcripts/',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      }),
    );
  });

  it('lets PrivacyErase find and remove a citizen’s MFC visits and quotas (VisitsTable: its index, Scan, Delete, the cancel’s Update); no route Scans it', () => {
    const onVisits = (prefix: string) =>
      new Set(
        roleStatements(prefix)
          .filter((s) => s.Resource.includes('VisitsTable'))
          .flatMap((s) => s.Action),
      );
    const erase = onVisits('AuditPrivacyErase');
    for (const action of ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'])
      expect(erase.has(action), action).toBe(true);
    if (!chat) throw new Error('no chat stack');
    const fn = Object.entries(resourcesOf(chat, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('AuditPrivacyErase'),
    );
    if (!fn) throw new Error('no PrivacyErase function');
    expect(environmentOf(fn[1])).toHaveProperty('VISITS_TABLE');
    expect(onVisits('VisitsMfcVisits').has('dynamodb:Query')).toBe(true);
    expect(onVisits('VisitsMfcVisits').has('dynamodb:Scan')).toBe(false);
  });

  it('lets TranscriptGet only write and read the citizens’ transcripts (transcripts/ of the attachments bucket)', () => {
    const statements = s3Statements('AuditTranscriptGet');
    expect(new Set(statements.flatMap((s) => s.Action))).toEqual(new Set(['s3:PutObject', 's3:GetObject']));
    expect(statements.every((s) => s.Resource.includes('/transcripts/*'))).toBe(true);
  });
});
