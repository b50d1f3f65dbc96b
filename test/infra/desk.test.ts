import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { configFromContext } from '../../infra/context.ts';
import { environmentOf, productionApp, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const { data, template } = productionApp();
const functions = resourcesOf(template, 'AWS::Lambda::Function');
const idOf = (element: Construct) => Stack.of(element).getLogicalId(element.node.defaultChild as CfnElement);
const byEntry = (entry: string) => {
  const found = Object.entries(functions).find(([, fn]) => fn.Metadata?.['local:entry'] === entry);
  if (!found) throw new Error(`no function for ${entry}`);
  return found;
};
/** Every statement of the policies attached to a function's role. */
function statementsOf(functionId: string): { Action: string | string[]; Resource: unknown }[] {
  const role = JSON.stringify(
    (functions[functionId]?.Properties.Role as { 'Fn::GetAtt': [string] } | undefined)?.['Fn::GetAtt'][0],
  );
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: never[] }).Statement);
}
const actionsOf = (functionId: string) =>
  statementsOf(functionId).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('the desk', () => {
  it('keeps notes and push devices in tables of their own, with TTL and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'conversationId', KeyType: 'HASH' },
        { AttributeName: 'noteKey', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'ownerKey', KeyType: 'HASH' },
        { AttributeName: 'deviceKey', KeyType: 'RANGE' },
      ],
    });
  });

  it('relays citizen messages to operators and operator replies to offline citizens from the messages stream, filtered', () => {
    const [relayId] = byEntry('functions/handlers/desk-relay.ts');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: relayId },
      EventSourceArn: { 'Fn::GetAtt': [idOf(data.tables.messages), 'StreamArn'] },
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { from: { S: ['citizen'] }, outbox: { S: ['operator'] } } },
            }),
          },
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { from: { S: ['operator'] } } },
            }),
          },
        ],
      },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('tells offline citizens about ticket changes from the tickets stream (both images)', () => {
    const [noticesId] = byEntry('functions/handlers/ticket-notices.ts');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'ticketId', KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: noticesId },
      EventSourceArn: { 'Fn::GetAtt': [idOf(data.tables.tickets), 'StreamArn'] },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['MODIFY'] }) }] },
    });
  });

  it('ships the canned answers with the knowledge-base layer, and canned.list touches no table but the presence lease', () => {
    const [cannedId, canned] = byEntry('functions/handlers/canned-list.ts');
    expect(environmentOf(canned).CANNED_ANSWERS_DIR).toBe('/opt/canned');
    const [layerId] = Object.keys(resourcesOf(template, 'AWS::Lambda::LayerVersion'));
    expect(canned.Properties.Layers).toEqual([{ Ref: layerId }]);
    expect(actionsOf(cannedId)).toContain('logs:PutLogEvents');
    // Only the operator's presence lease, which every frame staff send renews (one write, OperatorsTable).
    const dynamo = actionsOf(cannedId).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo.filter((a) => /Get|Query|Scan/.test(a))).toEqual([]);
    expect(environmentOf(canned).OPERATORS_TABLE).toBeDefined();
  });

  it('lets push.register create endpoints only on the configured platform applications', () => {
    // Prepare
    const fcm = 'arn:aws:sns:eu-central-1:123456789012:app/GCM/support-chat';
    const configured = synthesizeApp({ pushFcmApplicationArn: fcm });
    const entry = Object.entries(resourcesOf(configured.template, 'AWS::Lambda::Function')).find(
      ([, fn]) => fn.Metadata?.['local:entry'] === 'functions/handlers/push-register.ts',
    );
    const [, pushRegister] = entry as [string, (typeof functions)[string]];
    const policies = JSON.stringify(resourcesOf(configured.template, 'AWS::IAM::Policy'));

    // Assess
    expect(environmentOf(pushRegister).PUSH_FCM_APPLICATION_ARN).toBe(fcm);
    expect(environmentOf(pushRegister).PUSH_APNS_APPLICATION_ARN).toBeUndefined();
    expect(policies).toContain(
      JSON.stringify({ Action: 'sns:CreatePlatformEndpoint', Effect: 'Allow', Resource: fcm }),
    );
    const [defaultId] = byEntry('functions/handlers/push-register.ts');
    expect(actionsOf(defaultId)).not.toContain('sns:CreatePlatformEndpoint');
  });

  it('grants push on the endpoints of the configured applications only, and revocation on any endpoint of the account', () => {
    // Prepare
    const fcm = 'arn:aws:sns:eu-central-1:123456789012:app/GCM/support-chat';
    const apns = 'arn:aws:sns:eu-central-1:123456789012:app/APNS/support-chat-ios';
    const endpoints = [
      'arn:aws:sns:eu-central-1:123456789012:endpoint/GCM/support-chat/*',
      'arn:aws:sns:eu-central-1:123456789012:endpoint/APNS/support-chat-ios/*',
    ];
    // Inline policies and the managed ones CDK moves a large policy's overflow into.
    const statements = (t: typeof template) =>
      [
        ...Object.values(resourcesOf(t, 'AWS::IAM::Policy')),
        ...Object.values(resourcesOf(t, 'AWS::IAM::ManagedPolicy')),
      ].flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource?: unknown }[] })
            .Statement,
      );
    const onEndpoints = (t: typeof template) =>
      statements(t).filter((s) => JSON.stringify(s.Resource ?? '').includes(':endpoint/'));

    // Act
    const withApplications = synthesizeApp({
      pushFcmApplicationArn: fcm,
      pushApnsApplicationArn: apns,
    }).template;
    const configured = onEndpoints(withApplications);
    const unconfigured = onEndpoints(template);

    // Assess: publish (the notifiers) and re-enable (push.register) on the applications' endpoints.
    for (const action of ['sns:Publish', 'sns:SetEndpointAttributes']) {
      const granted = configured.filter((s) => s.Action === action);
      expect(granted.length, action).toBeGreaterThan(0);
      for (const statement of granted) expect(statement.Resource, action).toEqual(endpoints);
    }
    // The SMS senders' Deny spares the same endpoints, no other.
    expect(JSON.stringify(statements(withApplications))).toContain(
      JSON.stringify({ NotResource: endpoints }).slice(1, -1),
    );
    // Deleting (session.end, erasure) is revocation: any endpoint of the account, configured or not.
    const anyEndpoint = (s: (typeof configured)[number]) =>
      JSON.stringify(s.Resource).includes(':endpoint/*');
    const revoking = (list: typeof configured) =>
      list.filter((s) => s.Action === 'sns:DeleteEndpoint' && anyEndpoint(s));
    expect(revoking(configured)).toHaveLength(2);
    expect(revoking(unconfigured)).toHaveLength(2);
    // The pushing functions delete an endpoint SNS refused for good: the applications' endpoints only.
    const cleaning = configured.filter((s) => s.Action === 'sns:DeleteEndpoint' && !anyEndpoint(s));
    expect(cleaning).toHaveLength(3);
    for (const statement of cleaning) expect(statement.Resource).toEqual(endpoints);
    // Without an application: nothing but revocation on endpoints.
    expect(unconfigured.filter((s) => s.Action !== 'sns:DeleteEndpoint')).toEqual([]);
    expect(unconfigured.filter((s) => !anyEndpoint(s))).toEqual([]);
  });

  it('refuses a push application ARN of the wrong platform in the context', () => {
    const app = new App({
      context: { pushFcmApplicationArn: 'arn:aws:sns:eu-central-1:123456789012:app/APNS/ios' },
    });
    expect(() => configFromContext(app.node)).toThrow(/GCM/);
  });

  it('lets both notice functions claim, complete and release notice keys in the idempotency table', () => {
    const idempotencyArn = { 'Fn::GetAtt': [idOf(data.tables.idempotency), 'Arn'] };
    for (const entry of ['functions/handlers/desk-relay.ts', 'functions/handlers/ticket-notices.ts']) {
      const [id, fn] = byEntry(entry);
      expect(environmentOf(fn).IDEMPOTENCY_TABLE).toEqual({ Ref: idOf(data.tables.idempotency) });
      const actions = statementsOf(id)
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify([idempotencyArn]))
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ]),
      );
    }
  });

  it('grants operator.note no write to the messages table (notes never take a seq)', () => {
    const [noteId] = byEntry('functions/handlers/operator-note.ts');
    const messagesArn = JSON.stringify({ 'Fn::GetAtt': [idOf(data.tables.messages), 'Arn'] });
    const notesArn = JSON.stringify({ 'Fn::GetAtt': [idOf(data.tables.notes), 'Arn'] });
    expect(JSON.stringify(statementsOf(noteId))).toContain(notesArn);
    expect(JSON.stringify(statementsOf(noteId))).not.toContain(messagesArn);
  });
});
