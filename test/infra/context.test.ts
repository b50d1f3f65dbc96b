import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { stackPropsFromContext } from '../../infra/context.ts';

const propsFor = (context: Record<string, unknown>) => stackPropsFromContext(new App({ context }).node);

describe('configuration from CDK context', () => {
  it('leaves every setting to the stack defaults when no context is given', () => {
    expect(Object.values(propsFor({})).every((value) => value === undefined)).toBe(true);
  });

  it('reads `cdk -c key=value` strings as the numbers they mean', () => {
    expect(
      propsFor({
        stageName: 'beta',
        logRetentionDays: '30',
        messageRetentionDays: '730',
        postTimeoutMs: '2000',
        throttlingRateLimit: '50',
        throttlingBurstLimit: '100',
        alarmEmail: 'oncall@example.org',
        logLevel: 'DEBUG',
        configureApiGatewayAccountLogsRole: 'false',
      }),
    ).toMatchObject({
      stageName: 'beta',
      logRetention: RetentionDays.ONE_MONTH,
      messageRetentionDays: 730,
      postTimeoutMs: 2000,
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      alarmEmail: 'oncall@example.org',
      logLevel: 'DEBUG',
      configureApiGatewayAccountLogsRole: false,
    });
  });

  it.each([
    ['logRetentionDays', '42'],
    ['messageRetentionDays', '-1'],
    ['alarmEmail', 'not-an-address'],
    ['stageName', 'v1/../x'],
    ['logLevel', 'VERBOSE'],
  ])('refuses %s=%s', (key, value) => {
    expect(() => propsFor({ [key]: value })).toThrow(key);
  });
});
