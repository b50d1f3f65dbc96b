/**
 * Every function whose code deletes a push device (a dead endpoint found by a push, a session ended,
 * an erasure) may delete it: the local stack does not enforce IAM, so without this an AccessDenied
 * would first show in AWS, with dead endpoints pushed to for ever.
 */
import { describe, expect, it } from 'vitest';
import { productionApp, resourcesOf, type TemplateResource } from './synth.ts';

// Prepare
const { data, template } = productionApp();
const devicesTableId = data.getLogicalId(data.tables.pushDevices.node.defaultChild as never);
const functions = resourcesOf(template, 'AWS::Lambda::Function');
// A large role policy overflows into managed policies (CDK splits it): both count.
const policies = [
  ...Object.values(resourcesOf(template, 'AWS::IAM::Policy')),
  ...Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')),
];

/**
 * The handlers that reach `PushDeviceRepository.delete`: a push answered "gone"
 * (`notify-offline-citizen.ts`: the desk's relay and ticket notices; `remind-visits.ts`),
 * `session.end` (`end-session.ts`) and the erasure.
 */
const DELETING = [
  'functions/handlers/desk-relay.ts',
  'functions/handlers/ticket-notices.ts',
  'functions/handlers/visit-reminders.ts',
  'functions/handlers/session-end.ts',
  'functions/handlers/privacy-erase.ts',
];

function actionsOnDevices(fn: TemplateResource): string[] {
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return policies
    .filter((p) => (JSON.stringify(p.Properties.Roles) ?? '').includes(`"${roleId}"`))
    .flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    )
    .filter((s) => (JSON.stringify(s.Resource) ?? '').includes(`"${devicesTableId}"`))
    .flatMap((s) => [s.Action].flat() as string[]);
}

describe('push devices', () => {
  it.each(DELETING)('%s may delete a device item', (entry) => {
    // Act
    const fn = Object.values(functions).find((f) => f.Metadata?.['local:entry'] === entry);

    // Assess
    expect(fn, entry).toBeDefined();
    expect(actionsOnDevices(fn as TemplateResource)).toContain('dynamodb:DeleteItem');
  });
});
