/**
 * The app is split by lifecycle: what holds data apart from what can be replaced, each stack well
 * inside CloudFormation's limits, data retained and protected in production and destroyable in dev.
 */

import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MAX_RESOURCES_PER_STACK } from '../../infra/support-chat.ts';
import { resourcesOf, type SynthesizedApp, synthesizeApp, type TemplateResource } from './synth.ts';

// Prepare
const dev = synthesizeApp({ stage: 'dev' });
const prod = synthesizeApp({ stage: 'prod', alarmEmail: 'oncall@example.org' });

/** One stack's template, by name. */
function templateOf(synthesized: SynthesizedApp, name: string): Template {
  const template = synthesized.templates[name];
  if (!template) throw new Error(`no stack ${name}`);
  return template;
}

/** Types whose resources hold data a citizen or an operator would miss. */
const STATEFUL_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Cognito::UserPool',
  'AWS::SecretsManager::Secret',
];

describe('the stacks of a stage', () => {
  it('are named by stage and part, so a dev deploy can never touch prod', () => {
    expect(Object.keys(dev.templates)).toEqual([
      'SupportChat-dev-Data',
      'SupportChat-dev-Chat',
      'SupportChat-dev-Monitoring',
      'SupportChat-dev-Web',
    ]);
    expect(Object.keys(prod.templates)).toEqual([
      'SupportChat-prod-Data',
      'SupportChat-prod-Chat',
      'SupportChat-prod-Monitoring',
      'SupportChat-prod-Web',
    ]);
  });

  it.each(Object.entries(prod.templates))(
    `%s stays at ≤ ${MAX_RESOURCES_PER_STACK} resources (CloudFormation refuses over 500)`,
    (_, template) => {
      const count = Object.keys(template.toJSON().Resources).length;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(MAX_RESOURCES_PER_STACK);
    },
  );

  it('deploy in order: the chat stack depends on the data stack, monitoring on both', () => {
    expect(prod.chat.dependencies).toEqual([prod.data]);
    expect(new Set(prod.monitoring.dependencies)).toEqual(new Set([prod.data, prod.chat]));
    expect(prod.data.dependencies).toEqual([]);
    expect(new Set(prod.web.dependencies)).toEqual(new Set([prod.data, prod.chat]));
  });

  it('keep every stateful resource in the data stack, and none in the others', () => {
    for (const type of STATEFUL_TYPES) {
      const data = Object.keys(resourcesOf(templateOf(prod, 'SupportChat-prod-Data'), type));
      const chat = Object.keys(resourcesOf(templateOf(prod, 'SupportChat-prod-Chat'), type));
      expect(data.length, type).toBeGreaterThan(0);
      expect(chat, type).toEqual([]);
    }
    // The monitoring stack's one key encrypts the on-call topic, which holds no data.
    expect(
      Object.keys(resourcesOf(templateOf(prod, 'SupportChat-prod-Monitoring'), 'AWS::DynamoDB::Table')),
    ).toEqual([]);
  });
});

describe('in production', () => {
  const data = templateOf(prod, 'SupportChat-prod-Data');

  it('the data stack is termination-protected', () => {
    expect(prod.data.terminationProtection).toBe(true);
    expect(prod.chat.terminationProtection).toBe(false);
  });

  // Short-lived tables (connections, idempotency keys, codes, operators' presence, push devices, the
  // limits' counters) are re-created empty: nothing in them is kept for anyone (infra/constructs/data.ts says which).
  const shortLived = /^Data(Connections|Idempotency|VerificationCodes|Operators|PushDevices|Limits)Table/;
  it.each(
    STATEFUL_TYPES.flatMap((type) =>
      Object.entries(resourcesOf(data, type))
        .filter(([id]) => !shortLived.test(id))
        .map(([id, resource]) => [id, type, resource] as const),
    ),
  )(
    '%s (%s) is retained when its stack is deleted or it is replaced',
    (_, __, resource: TemplateResource) => {
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    },
  );

  it('the tables of citizen data, the SLA history and the user pool are deletion-protected', () => {
    const tables = Object.entries(resourcesOf(data, 'AWS::DynamoDB::Table'));
    const protectedTables = tables.filter(([, t]) => t.Properties.DeletionProtectionEnabled === true);
    expect(protectedTables.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(
      [
        'DataAccessJournalTable',
        'DataAttachmentsTable',
        'DataConversationsTable',
        'DataMessagesTable',
        'DataNotesTable',
        'DataSessionsTable',
        'DataSlaTable',
        'DataTicketsTable',
        'DataVisitsTable',
      ].sort(),
    );
    const [pool] = Object.values(resourcesOf(data, 'AWS::Cognito::UserPool'));
    expect(pool?.Properties.DeletionProtection).toBe('ACTIVE');
  });
});

describe('in a dev stage', () => {
  const data = templateOf(dev, 'SupportChat-dev-Data');

  it('nothing is retained or protected: `cdk destroy --all` removes the stage', () => {
    expect(dev.data.terminationProtection).toBe(false);
    for (const type of STATEFUL_TYPES) {
      for (const [id, resource] of Object.entries(resourcesOf(data, type))) {
        expect(resource.DeletionPolicy, id).toBe('Delete');
      }
    }
    for (const table of Object.values(resourcesOf(data, 'AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
    const [pool] = Object.values(resourcesOf(data, 'AWS::Cognito::UserPool'));
    expect(pool?.Properties.DeletionProtection).toBe('INACTIVE');
  });

  it('the buckets are emptied before they are deleted', () => {
    const buckets = Object.keys(resourcesOf(data, 'AWS::S3::Bucket'));
    const emptied = Object.values(resourcesOf(data, 'Custom::S3AutoDeleteObjects')).map(
      (r) => (r.Properties.BucketName as { Ref: string }).Ref,
    );
    expect(emptied.sort()).toEqual(buckets.sort());
  });
});
