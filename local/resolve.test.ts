import { describe, expect, it } from 'vitest';
import { type LocalAccount, physicalName, resolveValue } from './resolve.ts';
import { parseTemplate } from './template.ts';

const template = parseTemplate({
  Resources: {
    BotQueue1A2B: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
    Plain: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'named-queue' } },
    MessagesTableXYZ: { Type: 'AWS::DynamoDB::GlobalTable', Properties: {} },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET' } },
    Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { StageName: 'v1' } },
    OperatorsUserPool2FFA6CED: { Type: 'AWS::Cognito::UserPool', Properties: {} },
    OperatorsUserPoolConsoleClient5E86E261: { Type: 'AWS::Cognito::UserPoolClient', Properties: {} },
  },
});

function resource(id: string) {
  const found = template.Resources[id];
  if (!found) throw new Error(`no ${id} in the test template`);
  return found;
}

const account: LocalAccount = {
  region: 'eu-central-1',
  accountId: '000000000000',
  connectionsEndpoint: 'http://127.0.0.1:3001/v1',
  queueUrls: new Map([['BotQueue1A2B', 'http://sqs.local/000000000000/BotQueue1A2B.fifo']]),
  streamArns: new Map([
    [
      'MessagesTableXYZ',
      'arn:aws:dynamodb:ddblocal:000000000000:table/MessagesTableXYZ/stream/2026-01-01T00:00:00.000',
    ],
  ]),
};

describe('physical names', () => {
  it('gives a FIFO queue without a name the .fifo suffix CloudFormation would', () => {
    expect(physicalName('BotQueue1A2B', resource('BotQueue1A2B'))).toBe('BotQueue1A2B.fifo');
  });

  it('keeps a name the template gives', () => {
    expect(physicalName('Plain', resource('Plain'))).toBe('named-queue');
  });
});

describe('intrinsic functions', () => {
  it('resolves Ref of a queue to its URL and of a table to its name', () => {
    expect(resolveValue({ Ref: 'BotQueue1A2B' }, template, account)).toBe(
      account.queueUrls.get('BotQueue1A2B'),
    );
    expect(resolveValue({ Ref: 'MessagesTableXYZ' }, template, account)).toBe('MessagesTableXYZ');
  });

  it('resolves Fn::GetAtt Arn in the region and account of the local stack', () => {
    expect(resolveValue({ 'Fn::GetAtt': ['BotQueue1A2B', 'Arn'] }, template, account)).toBe(
      'arn:aws:sqs:eu-central-1:000000000000:BotQueue1A2B.fifo',
    );
  });

  it('resolves Fn::GetAtt StreamArn to the stream DynamoDB Local created, and refuses a table without one', () => {
    expect(resolveValue({ 'Fn::GetAtt': ['MessagesTableXYZ', 'StreamArn'] }, template, account)).toBe(
      account.streamArns?.get('MessagesTableXYZ'),
    );
    expect(() => resolveValue({ 'Fn::GetAtt': ['Plain', 'StreamArn'] }, template, account)).toThrow(
      /no stream/,
    );
  });

  it('turns the execute-api URL of the WebSocket API into the local @connections endpoint', () => {
    const value = {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'Api' },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: 'Stage' },
        ],
      ],
    };
    expect(resolveValue(value, template, account)).toBe('http://127.0.0.1:3001/v1');
  });

  it('substitutes references in Fn::Sub', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is Fn::Sub syntax, not JavaScript
    expect(resolveValue({ 'Fn::Sub': 'table/${MessagesTableXYZ}/index/*' }, template, account)).toBe(
      'table/MessagesTableXYZ/index/*',
    );
  });

  it('refuses a Ref to a resource the template does not have', () => {
    expect(() => resolveValue({ Ref: 'Missing' }, template, account)).toThrow(/unknown resource Missing/);
  });
});

describe('the local Cognito ids', () => {
  it('gives Ref of the user pool an AWS-shaped pool id (aws-jwt-verify accepts it) and of the client a Cognito-like id', () => {
    const poolId = resolveValue({ Ref: 'OperatorsUserPool2FFA6CED' }, template, account);
    const clientId = resolveValue({ Ref: 'OperatorsUserPoolConsoleClient5E86E261' }, template, account);

    expect(poolId).toBe('eu-central-1_OperatorsUserPool2FFA6CED');
    expect(poolId).toMatch(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/);
    expect(clientId).toMatch(/^[0-9a-z]{26}$/);
    expect(clientId).toBe(resolveValue({ Ref: 'OperatorsUserPoolConsoleClient5E86E261' }, template, account));
  });
});
