/**
 * The SNS platform endpoints of the configured push applications: what a function may publish to
 * or re-enable for a citizen's device. SNS names a device endpoint under its application
 * (`…:app/GCM/<name>` → `…:endpoint/GCM/<name>/<id>`), so the grant names the applications' endpoints,
 * not every endpoint of the account; with no application configured there is no device to push to
 * and nothing is granted.
 *
 * Deleting a device's endpoint (sign-out, erasure) is revocation, and must work whatever the
 * context of the deploy: for a device registered under an application since removed or replaced,
 * or left out of one deploy's context, too. It stays on the account's endpoints.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** The push platform applications given by context (`pushFcmApplicationArn`, `pushApnsApplicationArn`). */
export interface PushApplications {
  /** ARN of the FCM (Android) platform application. */
  readonly fcm?: string;
  /** ARN of the APNs (iOS) platform application. */
  readonly apns?: string;
}

/** The configured applications' ARNs. */
export function pushApplicationArns(applications: PushApplications | undefined): string[] {
  return [applications?.fcm, applications?.apns].filter((arn): arn is string => arn !== undefined);
}

/** `arn:…:endpoint/<platform>/<name>/*` of each configured application. */
export function pushEndpointArns(applications: PushApplications | undefined): string[] {
  return pushApplicationArns(applications).map((arn) => `${arn.replace(/:app\//, ':endpoint/')}/*`);
}

/** Anything with a role policy: a HouseFunction, a Lambda function. */
interface WithRolePolicy extends Construct {
  addToRolePolicy(statement: PolicyStatement): unknown;
  readonly role?: Construct | undefined;
}

/** Allows `actions` on the endpoints of the configured applications only (none configured: nothing). */
export function grantOnPushEndpoints(
  fn: WithRolePolicy,
  actions: string[],
  applications: PushApplications | undefined,
): void {
  const endpoints = pushEndpointArns(applications);
  if (endpoints.length === 0) return;
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: endpoints }));
  for (const endpoint of endpoints) {
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${endpoint}]`,
      reason:
        'Device endpoints are created at run time (push.register); the wildcard is limited to the endpoints of the configured push application.',
    });
  }
}

/**
 * Allows `sns:DeleteEndpoint` on every platform endpoint of the account: a session's sign-out and a
 * citizen's erasure revoke their devices under any application, configured now or not.
 */
export function grantEndpointRevocation(fn: WithRolePolicy): void {
  const endpoints = Stack.of(fn).formatArn({ service: 'sns', resource: 'endpoint', resourceName: '*' });
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:DeleteEndpoint'], resources: [endpoints] }));
  Validations.of(fn.role ?? fn).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:endpoint/*]',
    reason:
      "Revokes a device's endpoint (sign-out, erasure) under any application, also one since removed from the context; only deletion, only this account's endpoints.",
  });
}
