/**
 * Physical names and CloudFormation intrinsic functions, the local way: what `Ref`, `Fn::GetAtt`
 * (including a table's `StreamArn`),
 * `Fn::Join`, `Fn::Sub` and `Fn::Select` give for the resources the local stack created.
 *
 * Names are the template's own (`TableName`, `QueueName`, …) or, as CloudFormation would generate
 * one, derived from the logical id, so that the same template always yields the same local names.
 */
import type { Resource, Template } from './template.ts';

export interface LocalAccount {
  region: string;
  accountId: string;
  /** The `@connections` endpoint of the local gateway, e.g. `http://127.0.0.1:3001/v1`. */
  connectionsEndpoint: string;
  /** Queue URLs as the SQS emulator returned them, by logical id. */
  queueUrls: Map<string, string>;
  /**
   * Stream ARNs of the tables with a stream, as DynamoDB Local returned them (`LatestStreamArn`), by
   * logical id: the ARN carries a creation label that only the emulator knows.
   */
  streamArns?: Map<string, string>;
}

const LOCAL_API_ID = 'local';

export function physicalName(logicalId: string, resource: Resource): string {
  const p = resource.Properties;
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return typeof p.TableName === 'string' ? p.TableName : logicalId;
    case 'AWS::SQS::Queue': {
      if (typeof p.QueueName === 'string') return p.QueueName;
      return p.FifoQueue ? `${logicalId}.fifo` : logicalId;
    }
    case 'AWS::SNS::Topic': {
      if (typeof p.TopicName === 'string') return p.TopicName;
      return p.FifoTopic ? `${logicalId}.fifo` : logicalId;
    }
    case 'AWS::S3::Bucket':
      return typeof p.BucketName === 'string' ? p.BucketName : logicalId.toLowerCase().slice(0, 63);
    case 'AWS::Lambda::Function':
      return typeof p.FunctionName === 'string' ? p.FunctionName : logicalId;
    default:
      return logicalId;
  }
}

export function arnOf(logicalId: string, resource: Resource, account: LocalAccount): string {
  const name = physicalName(logicalId, resource);
  const { region, accountId } = account;
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${accountId}:${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${accountId}:${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    default:
      return `arn:aws:local:${region}:${accountId}:${logicalId}`;
  }
}

/** Resolves intrinsic functions in a template value to plain strings/values. */
export function resolveValue(value: unknown, template: Template, account: LocalAccount): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, template, account));
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length !== 1) {
    return Object.fromEntries(keys.map((k) => [k, resolveValue(v[k], template, account)]));
  }
  const [fn] = keys as [string];
  const arg = v[fn];
  switch (fn) {
    case 'Ref':
      return ref(String(arg), template, account);
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
      return getAtt(String(id), String(attr), template, account);
    }
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown[]];
      const joined = (resolveValue(parts, template, account) as unknown[]).join(sep);
      return rewriteConnectionsEndpoint(joined, account);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [number, unknown];
      return (resolveValue(list, template, account) as unknown[])[Number(index)];
    }
    case 'Fn::Split': {
      const [sep, source] = arg as [string, unknown];
      return String(resolveValue(source, template, account)).split(sep);
    }
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg)
        ? (arg as [string, Record<string, unknown>])
        : [String(arg), {}];
      const substituted = text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in vars) return String(resolveValue(vars[name], template, account));
        const [id, attr] = name.split('.');
        return String(attr ? getAtt(String(id), attr, template, account) : ref(name, template, account));
      });
      return rewriteConnectionsEndpoint(substituted, account);
    }
    default:
      return Object.fromEntries(keys.map((k) => [k, resolveValue(v[k], template, account)]));
  }
}

function ref(id: string, template: Template, account: LocalAccount): string {
  switch (id) {
    case 'AWS::Region':
      return account.region;
    case 'AWS::AccountId':
      return account.accountId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return 'local';
  }
  const resource = template.Resources[id];
  if (!resource) throw new Error(`Ref to unknown resource ${id}`);
  switch (resource.Type) {
    case 'AWS::SQS::Queue':
      return queueUrl(id, account);
    case 'AWS::SNS::Topic':
      return arnOf(id, resource, account);
    case 'AWS::ApiGatewayV2::Api':
      return LOCAL_API_ID;
    case 'AWS::ApiGatewayV2::Stage':
      return String(resource.Properties.StageName);
    case 'AWS::Cognito::UserPool':
      return localUserPoolId(id, account.region);
    case 'AWS::Cognito::UserPoolClient':
      return localUserPoolClientId(id);
    default:
      return physicalName(id, resource);
  }
}

/**
 * The id of a user pool on the local Cognito: AWS-shaped (`<region>_<alphanumerics>`), so that
 * aws-jwt-verify accepts it and derives the same issuer as in AWS, and stable per logical id.
 */
export function localUserPoolId(logicalId: string, region: string): string {
  return `${region}_${logicalId.replace(/[^0-9A-Za-z]/g, '').slice(0, 40)}`;
}

/** The id of an app client on the local Cognito: lowercase alphanumerics like Cognito's, stable. */
export function localUserPoolClientId(logicalId: string): string {
  return logicalId
    .toLowerCase()
    .replace(/[^0-9a-z]/g, '')
    .slice(-26)
    .padStart(26, '0');
}

function getAtt(id: string, attr: string, template: Template, account: LocalAccount): string {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`Fn::GetAtt on unknown resource ${id}`);
  switch (attr) {
    case 'Arn':
    case 'TopicArn':
      return arnOf(id, resource, account);
    case 'QueueUrl':
      return queueUrl(id, account);
    case 'QueueName':
    case 'TopicName':
      return physicalName(id, resource);
    case 'StreamArn': {
      const arn = account.streamArns?.get(id);
      if (!arn) throw new Error(`table ${id} has no stream locally`);
      return arn;
    }
    case 'ApiEndpoint':
      return account.connectionsEndpoint.replace(/^http/, 'ws').replace(/\/[^/]*$/, '');
    default:
      throw new Error(`Fn::GetAtt ${id}.${attr} is not supported by the local stack`);
  }
}

function queueUrl(id: string, account: LocalAccount): string {
  const url = account.queueUrls.get(id);
  if (!url) throw new Error(`queue ${id} has not been created locally`);
  return url;
}

/** `https://local.execute-api.<region>.amazonaws.com/<stage>` is the local gateway. */
function rewriteConnectionsEndpoint(value: string, account: LocalAccount): string {
  const prefix = `https://${LOCAL_API_ID}.execute-api.`;
  if (!value.startsWith(prefix)) return value;
  const stage = value.split('/').slice(3).join('/');
  const base = account.connectionsEndpoint.replace(/\/[^/]*$/, '');
  return stage ? `${base}/${stage}` : base;
}
