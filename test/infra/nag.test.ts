import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../infra/cdk-json.ts';
import { configFromContext } from '../../infra/context.ts';
import { SupportChat } from '../../infra/support-chat.ts';
import { synthesizeApp } from './synth.ts';

// cdk-nag 3 is a CDK policy-validation plugin: findings are a validation report that stops
// `cdk synth`, not annotations. Acknowledgments are `Validations.of(construct).acknowledge(...)`.
describe('cdk-nag AwsSolutions', () => {
  // Both stages: prod differs in what it retains and protects, which is what cdk-nag looks at;
  // prod with the push applications configured (their endpoints' grants are acknowledged by ARN).
  const stages = [
    ['dev', synthesizeApp({ stage: 'dev' })],
    [
      'prod',
      synthesizeApp({
        stage: 'prod',
        alarmEmail: 'oncall@example.org',
        pushFcmApplicationArn: 'arn:aws:sns:eu-central-1:123456789012:app/GCM/support-chat',
        pushApnsApplicationArn: 'arn:aws:sns:eu-central-1:123456789012:app/APNS/support-chat-ios',
      }),
    ],
  ] as const;
  const stacks = stages.flatMap(([stage, synthesized]) =>
    [synthesized.data, synthesized.chat, synthesized.monitoring, synthesized.web].map(
      (stack) => [stage, stack] as const,
    ),
  );

  it.each(stacks.map(([stage, stack]) => [stack.stackName, stage, stack] as const))(
    'finds nothing unacknowledged in %s',
    (_, __, stack) => {
      // Act
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

      // Assess
      const findings = report.violations.map(
        (v) =>
          `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description}`,
      );
      expect(findings).toEqual([]);
    },
  );

  it('lets the app synthesize with the checks registered, as `cdk synth` does', () => {
    // Prepare
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    new SupportChat(app, configFromContext(app.node));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

    // Act + Assess
    expect(() => app.synth()).not.toThrow();
  });

  it('is live: an unencrypted, unlogged, plain-HTTP bucket is reported', () => {
    // Prepare
    const stack = new Stack(new App(), 'Probe');
    new Bucket(stack, 'Careless');

    // Act
    const report = new AwsSolutionsChecks(undefined).validateScope(stack);

    // Assess
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });

  it.each(stacks.map(([stage, stack]) => [stack.stackName, stage, stack] as const))(
    'leaves CDK itself with no warning or error about %s',
    (_, __, stack) => {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    },
  );
});
