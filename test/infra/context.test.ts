import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { configFromContext } from '../../infra/context.ts';
import { STAGE_DEFAULTS } from '../../infra/stage.ts';

const configFor = (context: Record<string, unknown>) => configFromContext(new App({ context }).node);

describe('configuration from CDK context', () => {
  it('is the dev stage with its defaults when no context is given', () => {
    const config = configFor({});
    expect(config).toMatchObject({
      stage: 'dev',
      stageName: 'v1',
      throttlingRateLimit: STAGE_DEFAULTS.dev.throttlingRateLimit,
      logRetention: STAGE_DEFAULTS.dev.logRetention,
      messageRetentionDays: STAGE_DEFAULTS.dev.messageRetentionDays,
      smsSenderId: STAGE_DEFAULTS.dev.smsSenderId,
      retainData: false,
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  it("takes prod's defaults for -c stage=prod: data retained, a year of logs, higher throttles", () => {
    expect(configFor({ stage: 'prod', alarmEmail: 'oncall@example.org' })).toMatchObject({
      stage: 'prod',
      retainData: true,
      logRetention: RetentionDays.ONE_YEAR,
      messageRetentionDays: 365,
      throttlingRateLimit: 500,
      throttlingBurstLimit: 1000,
      smsSenderId: 'Gosuslugi',
    });
  });

  it('refuses a prod stage that would page nobody', () => {
    expect(() => configFor({ stage: 'prod' })).toThrow(/alarmEmail/);
  });

  it("reads `cdk -c key=value` strings as the numbers they mean, over the stage's defaults", () => {
    expect(
      configFor({
        stageName: 'beta',
        logRetentionDays: '30',
        messageRetentionDays: '730',
        postTimeoutMs: '2000',
        throttlingRateLimit: '50',
        throttlingBurstLimit: '100',
        slaAssignSeconds: '90',
        smsSenderId: 'Portal',
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
      slaAssignSeconds: 90,
      smsSenderId: 'Portal',
      alarmEmail: 'oncall@example.org',
      logLevel: 'DEBUG',
      configureApiGatewayAccountLogsRole: false,
    });
  });

  it.each([
    ['stage', 'staging'],
    ['logRetentionDays', '42'],
    ['messageRetentionDays', '-1'],
    ['alarmEmail', 'not-an-address'],
    ['stageName', 'v1/../x'],
    ['logLevel', 'VERBOSE'],
    ['slaAssignSeconds', '0'],
    ['smsSenderId', 'Gosuslugi-Portal'],
    ['dataIndexStep', '99'],
    ['dataIndexStep', '-1'],
  ])('refuses %s=%s', (key, value) => {
    expect(() => configFor({ [key]: value })).toThrow(key);
  });
});
