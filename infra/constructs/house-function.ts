/**
 * The house Lambda function: every handler of the chat is one of these, so runtime, architecture,
 * bundling, tracing, logging and Powertools settings are decided once, here. Methods pair each
 * environment variable with its IAM grant so that a name and its permission cannot drift apart.
 */
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import type { OperatorQueueName } from '../../functions/domain/operator-roster.ts';
import { repoPath, repoRoot } from '../paths.ts';
import {
  esmRequireBanner,
  externalModules,
  mainFields,
  nodeTarget,
  sdkAliasArgs,
  sourcesContent,
} from './bundling.ts';
import type { KnowledgeBaseLayer } from './knowledge-base.ts';
import { grantOnPushEndpoints, type PushApplications, pushEndpointArns } from './push-endpoints.ts';

/** Powertools log levels accepted by `POWERTOOLS_LOG_LEVEL`. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Settings every function of the stack shares; the stack builds this once from its props. */
export interface FunctionSettings {
  /** Retention of each function's log group. */
  readonly logRetention: RetentionDays;
  /** `POWERTOOLS_LOG_LEVEL`. */
  readonly logLevel: LogLevel;
  /** `MESSAGE_RETENTION_DAYS`: TTL the handlers put on messages, conversations, notes, SLA records. */
  readonly messageRetentionDays: number;
  /** `TICKET_RETENTION_DAYS`: TTL of tickets (from their last change). */
  readonly ticketRetentionDays: number;
  /** `ATTACHMENT_RETENTION_DAYS`: TTL of attachments' items (the bucket's lifecycle is the same). */
  readonly attachmentRetentionDays: number;
  /** `JOURNAL_RETENTION_DAYS`: TTL of the access journal's entries. */
  readonly journalRetentionDays: number;
  /** `VISIT_RETENTION_DAYS`: TTL of MFC visits, from the visit's time. */
  readonly visitRetentionDays: number;
  /** `POST_TIMEOUT_MS`: deadline of one `PostToConnection` call. */
  readonly postTimeoutMs: number;
  /** `SLA_ASSIGN_SECONDS`: a ticket nobody took within this is an SLA breach, offered to seniors first. */
  readonly slaAssignSeconds: number;
  /** `SMS_SENDER_ID` of the functions that send SMS (`AWS.SNS.SMS.SenderID`). */
  readonly smsSenderId: string;
  /**
   * The push platform applications (context `pushFcmApplicationArn`, `pushApnsApplicationArn`):
   * a function that pushes may publish to their endpoints only (infra/constructs/push-endpoints.ts).
   * @default none (nothing is pushed)
   */
  readonly pushApplications?: PushApplications;
  /**
   * `MESSAGE_BODY_COMPRESSION` (`on`/`off`) of every function that writes MessagesTable: long
   * bodies stored compressed (functions/adapters/dynamodb/message-body.ts). Every release reads both.
   * @default true
   */
  readonly compressMessageBodies?: boolean;
  /**
   * The per-client limits given by context (`clientLimits`): `LIMIT_<NAME>` of the functions that
   * count them ({@link HouseFunction.useClientLimits}); a limit not given keeps its code default.
   * @default {} (every limit at its default, docs/protocol.md "Limits per client")
   */
  readonly clientLimits?: Readonly<Record<string, number>>;
}

/** Properties of a {@link HouseFunction}. */
export interface HouseFunctionProps {
  /**
   * Repo-relative path of the handler module, e.g. `functions/handlers/hello.ts`. It must export
   * `handler`. Recorded as template metadata `local:entry` for the local stack.
   */
  readonly entry: string;
  /** Settings shared by all functions of the stack. */
  readonly settings: FunctionSettings;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Memory in MB (CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * `POWERTOOLS_SERVICE_NAME`.
   * @default 'support-chat'
   */
  readonly serviceName?: string;
  /**
   * X-Ray active tracing. On only where a trace pays for itself (docs/architecture.md, "Tracing"):
   * a trace costs as much as several DynamoDB writes, and no function records subsegments, so on
   * the per-message path it would show what the Lambda metrics and REPORT lines already do.
   * @default false
   */
  readonly tracing?: boolean;
}

/** How a function uses a table. */
/** `append`: new items only (PutItem), for a record nobody may change or delete (the access journal). */
export type TableAccess = 'read' | 'write' | 'readWrite' | 'append';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
/** The DynamoDB actions of each access: no `Scan`, no `DescribeTable`, nothing the code does not call. */
const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: READ_ACTIONS,
  write: WRITE_ACTIONS,
  readWrite: [...READ_ACTIONS, ...WRITE_ACTIONS],
  append: ['dynamodb:PutItem'],
};

/**
 * The other half of `sns:Publish` on `*` for SMS (a phone number is no resource): an explicit Deny
 * of publishing to any SNS resource — every topic, platform application and endpoint, of any
 * account — so the Allow reaches phone numbers only. A function that also pushes keeps the
 * configured applications' endpoints (its own Allow on them): there the Deny is written with
 * `NotResource` and applies only to requests that name a resource (`aws:ResourceAccount` present),
 * so an SMS, which names none, is never denied by it.
 */
function smsOnly(stack: Stack, pushEndpoints: string[]): PolicyStatement {
  const anySnsResource = `arn:${stack.partition}:sns:*:*:*`;
  if (pushEndpoints.length === 0) {
    return new PolicyStatement({
      effect: Effect.DENY,
      actions: ['sns:Publish'],
      resources: [anySnsResource],
    });
  }
  return new PolicyStatement({
    effect: Effect.DENY,
    actions: ['sns:Publish'],
    notResources: pushEndpoints,
    conditions: { Null: { 'aws:ResourceAccount': 'false' } },
  });
}

/** Environment variables that carry table names (docs/architecture.md). */
export type TableEnvName =
  | 'CONNECTIONS_TABLE'
  | 'SESSIONS_TABLE'
  | 'CONVERSATIONS_TABLE'
  | 'MESSAGES_TABLE'
  | 'IDEMPOTENCY_TABLE'
  | 'TICKETS_TABLE'
  | 'OPERATORS_TABLE'
  | 'VERIFICATION_CODES_TABLE'
  | 'NOTES_TABLE'
  | 'PUSH_DEVICES_TABLE'
  | 'SLA_TABLE'
  | 'LIMITS_TABLE'
  | 'ATTACHMENTS_TABLE'
  | 'ACCESS_JOURNAL_TABLE'
  | 'VISITS_TABLE';

/** How a function uses the attachments bucket (useAttachmentBucket). */
export type AttachmentAccess = 'upload' | 'download' | 'check';

/** Where uploads land in the attachments bucket (functions/domain/attachments.ts `attachmentKey`). */
const ATTACHMENT_PREFIX = 'attachments/';
/** Where citizens' own transcripts are generated (`transcript.get`), in the same bucket. */
const TRANSCRIPT_PREFIX = 'transcripts/';

const ATTACHMENT_ACTIONS: Record<AttachmentAccess, readonly string[]> = {
  upload: ['s3:PutObject'],
  download: ['s3:GetObject'],
  check: [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:GetObjectTagging',
    's3:GetObjectVersionTagging',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
  ],
};

/** How a function uses a queue. */
export type QueueAccess = 'send' | 'consume';

/** Environment variables that carry queue URLs (docs/architecture.md). */
export type QueueEnvName =
  | 'BOT_QUEUE_URL'
  | 'ESCALATION_QUEUE_URL'
  | 'TIMER_QUEUE_URL'
  | `OPERATOR_QUEUE_URL_${Uppercase<OperatorQueueName>}`;

/** Environment variables that carry the id (ARN) of a Secrets Manager secret the function reads. */
export type SecretEnvName =
  | 'AUTH_HMAC_SECRET_ID'
  | 'AUTH_CODE_SECRET_ID'
  | 'RESUME_TOKEN_SECRET_ID'
  | 'CURSOR_SECRET_ID'
  | 'PORTAL_REGISTRY_TOKEN_SECRET_ID';

/** Which out-of-band channels a function sends on (`functions/adapters/notifier.ts`). */
export interface NotifierChannels {
  /** SMS through SNS `Publish` to a phone number. */
  readonly sms?: boolean;
  /** E-mail through SES v2 `SendEmail` from this address (`AUTH_EMAIL_FROM`), a verified SES identity. */
  readonly emailFrom?: string;
  /** Mobile push through SNS `Publish` to the account's platform endpoints. */
  readonly push?: boolean;
}

/** Metadata key under which the handler's repo-relative entry is recorded in the template. */
export const LOCAL_ENTRY_METADATA = 'local:entry';

/**
 * Management API methods a function may call on `@connections/{id}`: only POST (push a frame).
 * Nothing reads a connection's info or disconnects a client yet; a function that needs GET or
 * DELETE adds it here when it does.
 */
const CONNECTION_METHODS = ['POST'] as const;

/**
 * The house functions of one construct, by handler file: `make('Hello', 'hello', '…')` builds
 * `functions/handlers/hello.ts` as `Hello` under `scope`, with the stack's settings. Constructs
 * that wire several routes or consumers use it instead of spelling the props each time.
 */
export function handlerFunctions(scope: Construct, settings: FunctionSettings) {
  return (fnId: string, file: string, description: string, timeout?: Duration): HouseFunction =>
    new HouseFunction(scope, fnId, {
      entry: `functions/handlers/${file}.ts`,
      description,
      settings,
      ...(timeout ? { timeout } : {}),
    });
}

/** A `NodejsFunction` with the house defaults (Node.js 22, arm64, ESM, own log group and role; X-Ray where asked). */
export class HouseFunction extends NodejsFunction {
  /** Repo-relative handler path, as recorded in `local:entry`. */
  readonly entry: string;
  private readonly settings: FunctionSettings;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    // A role of our own instead of the default one, which would attach the AWS-managed
    // AWSLambdaBasicExecutionRole (write to any log group); this one may write only its own log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.settings.logRetention });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: repoPath(props.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: repoPath('package-lock.json'),
      description: props.description,
      // Pinned, not "latest": the local stack runs the same handlers on Node 22 (package.json).
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      role,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'support-chat',
        POWERTOOLS_METRICS_NAMESPACE: 'SupportChat',
        POWERTOOLS_LOG_LEVEL: props.settings.logLevel,
        MESSAGE_RETENTION_DAYS: String(props.settings.messageRetentionDays),
        TICKET_RETENTION_DAYS: String(props.settings.ticketRetentionDays),
        ATTACHMENT_RETENTION_DAYS: String(props.settings.attachmentRetentionDays),
        JOURNAL_RETENTION_DAYS: String(props.settings.journalRetentionDays),
        VISIT_RETENTION_DAYS: String(props.settings.visitRetentionDays),
        POST_TIMEOUT_MS: String(props.settings.postTimeoutMs),
        SLA_ASSIGN_SECONDS: String(props.settings.slaAssignSeconds),
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent,
        target: nodeTarget,
        format: OutputFormat.ESM,
        mainFields: [...mainFields],
        banner: esmRequireBanner,
        externalModules: [...externalModules],
        esbuildArgs: { ...sdkAliasArgs },
      },
    });
    this.entry = props.entry;
    this.settings = props.settings;
    (this.node.defaultChild as CfnFunction).addMetadata(LOCAL_ENTRY_METADATA, props.entry);

    // Acknowledgments on the role cover its DefaultPolicy, where CDK puts every grant; test/infra
    // checks that X-Ray (and dynamodb:ListStreams of a stream consumer) stay the only statements on Resource *.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (tracing), for a stream consumer dynamodb:ListStreams, and for ' +
        'a function that sends SMS sns:Publish (a phone number is no resource) support no resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the local stack runs these handlers on Node 22 (package.json).',
    });
  }

  /**
   * Counts the per-client limits: the `LIMIT_*` settings of the stage, and with `counters` (the
   * limits table) `LIMITS_TABLE` and `dynamodb:UpdateItem` on it, the one call a counting makes
   * (functions/adapters/dynamodb/rate-counter.ts). Without it the function counts in memory only.
   */
  useClientLimits(counters?: Table): this {
    for (const [name, max] of Object.entries(this.settings.clientLimits ?? {})) {
      this.addEnvironment(`LIMIT_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, String(max));
    }
    if (counters === undefined) return this;
    this.addEnvironment('LIMITS_TABLE', counters.tableName);
    counters.grant(this, 'dynamodb:UpdateItem');
    return this;
  }

  /**
   * Sets `envName` to the table's name and grants exactly `access` on it (and its indexes): the
   * item reads and writes the code makes, never `Scan` (CDK's `grantReadData` includes it; no
   * function reads a whole table, every read is a key or a Query).
   */
  useTable(
    envName: TableEnvName,
    table: Table,
    access: TableAccess,
    options: {
      /**
       * Also `dynamodb:Scan`: only for the platform team's functions that must read a whole table
       * (an audit export of a period, a citizen's erasure), never for a route.
       * @default false
       */
      scan?: boolean;
    } = {},
  ): this {
    this.addEnvironment(envName, table.tableName);
    if (envName === 'MESSAGES_TABLE' && access !== 'read') {
      this.addEnvironment(
        'MESSAGE_BODY_COMPRESSION',
        this.settings.compressMessageBodies === false ? 'off' : 'on',
      );
    }
    table.grant(this, ...TABLE_ACTIONS[access], ...(options.scan ? ['dynamodb:Scan'] : []));
    // Grants on a table with indexes name `<table arn>/index/*`: every index of this one table.
    Validations.of(this.role ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagNameOfTableArn(table)}/index/*]`,
      reason: `Queries the indexes of ${table.node.id} only; the wildcard is limited to that table's index/*.`,
    });
    return this;
  }

  /**
   * How cdk-nag names the table's ARN in a finding: `<LogicalId.Arn>` in the same stack; for a table
   * of another stack (the data stack), the name of the export the ARN arrives through. The export is
   * the one CloudFormation references use anyway (`exportValue` is idempotent and shares it).
   */
  private nagNameOfTableArn(table: Table): string {
    return this.nagNameOfArn(table, table.tableArn);
  }

  /** {@link nagNameOfTableArn} for any resource whose L1 has an `Arn` attribute. */
  private nagNameOfArn(resource: IConstruct, arn: string): string {
    const resourceStack = Stack.of(resource);
    if (resourceStack === Stack.of(this)) {
      return `<${resourceStack.getLogicalId(resource.node.defaultChild as CfnElement)}.Arn>`;
    }
    const imported = resourceStack.resolve(resourceStack.exportValue(arn)) as {
      'Fn::ImportValue': string;
    };
    return imported['Fn::ImportValue'];
  }

  /** Sets `envName` to the queue's URL (for senders) and grants send or consume on it. */
  useQueue(envName: QueueEnvName, queue: IQueue, access: QueueAccess): this {
    this.addEnvironment(envName, queue.queueUrl);
    if (access === 'send') queue.grantSendMessages(this);
    if (access === 'consume') queue.grantConsumeMessages(this);
    return this;
  }

  /** Sets `envName` to the secret's ARN and grants reading (and decrypting) exactly that secret. */
  useSecret(envName: SecretEnvName, secret: ISecret): this {
    this.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /**
   * Allows sending on `channels`: SMS (`sns:Publish` on `*`: SNS has no resource for a phone number,
   * so publishing to a number cannot be scoped), e-mail (`ses:SendEmail` on the sender's SES
   * identities only: its domain and its address) and push (`sns:Publish`, and `sns:DeleteEndpoint`
   * for an endpoint SNS refuses for good, on the endpoints of the configured push applications only,
   * infra/constructs/push-endpoints.ts). Sets `SMS_SENDER_ID` for SMS and `AUTH_EMAIL_FROM` for e-mail.
   */
  useNotifier(channels: NotifierChannels): this {
    const stack = Stack.of(this);
    // Push goes to the configured applications' endpoints only; none configured, nothing is pushed.
    const pushEndpoints = channels.push ? pushEndpointArns(this.settings.pushApplications) : [];
    if (channels.sms) {
      this.addEnvironment('SMS_SENDER_ID', this.settings.smsSenderId);
      this.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
      this.addToRolePolicy(smsOnly(stack, pushEndpoints));
    }
    if (channels.emailFrom !== undefined) {
      this.addEnvironment('AUTH_EMAIL_FROM', channels.emailFrom);
      const domain = channels.emailFrom.slice(channels.emailFrom.lastIndexOf('@') + 1);
      const identity = (name: string) =>
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [identity(domain), identity(channels.emailFrom)],
        }),
      );
    }
    if (channels.push) {
      grantOnPushEndpoints(this, ['sns:Publish'], this.settings.pushApplications);
      // A push SNS refuses for good (the endpoint disabled or deleted): its endpoint is deleted with
      // the device (functions/adapters/push-endpoints.ts, NotifierPushSender).
      grantOnPushEndpoints(this, ['sns:DeleteEndpoint'], this.settings.pushApplications);
    }
    return this;
  }

  /**
   * Sets `ON_CALL_TOPIC_ARN` and allows `sns:Publish` on that topic only, with what publishing to a
   * KMS-encrypted topic needs of its key (`kms:GenerateDataKey`, `kms:Decrypt` on that key only;
   * not CDK's `grantPublish`, which grants `kms:GenerateDataKey*`).
   */
  useOnCallTopic(topic: ITopic, key: IKey): this {
    this.addEnvironment('ON_CALL_TOPIC_ARN', topic.topicArn);
    this.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
    );
    return this;
  }

  /**
   * Sets `ATTACHMENTS_BUCKET` and grants exactly what `access` needs on the uploads under
   * `attachments/` of the bucket, with its key: `upload` signs presigned POSTs (the upload runs with
   * this role: `s3:PutObject`, `kms:GenerateDataKey`), `download` signs presigned GETs, `check`
   * reads, reads the scan's tag of, and deletes an upload (any version of it).
   */
  useAttachmentBucket(bucket: IBucket, key: IKey, access: AttachmentAccess): this {
    this.addEnvironment('ATTACHMENTS_BUCKET', bucket.bucketName);
    const objects = bucket.arnForObjects(`${ATTACHMENT_PREFIX}*`);
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...ATTACHMENT_ACTIONS[access]], resources: [objects] }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'upload' ? ['kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [key.keyArn],
      }),
    );
    Validations.of(this.role ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagNameOfArn(bucket, bucket.bucketArn)}/${ATTACHMENT_PREFIX}*]`,
      reason:
        'Attachment keys are created at run time (attachments/{conversationId}/{attachmentId}); the wildcard is limited to the attachments prefix of this one bucket.',
    });
    return this;
  }

  /**
   * Sets `AUDIT_BUCKET` and grants writing new exports under `exports/` of the audit bucket (with
   * `kms:GenerateDataKey` on its key): no read, no delete, no bypass of its Object Lock.
   */
  useAuditBucket(bucket: IBucket, key: IKey): this {
    this.addEnvironment('AUDIT_BUCKET', bucket.bucketName);
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('exports/*')] }),
    );
    this.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [key.keyArn] }));
    Validations.of(this.role ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagNameOfArn(bucket, bucket.bucketArn)}/exports/*]`,
      reason:
        'Each export is a new folder exports/{exportId}/ named at run time; the wildcard is limited to the exports prefix of this one bucket, write only.',
    });
    return this;
  }

  /**
   * Sets `ATTACHMENTS_BUCKET` and grants a citizen's erasure what it needs there: list the
   * uploads of their conversations (`s3:ListBucket` limited to the `attachments/` and
   * `transcripts/` prefixes) and delete them, every version.
   */
  useAttachmentErasure(bucket: IBucket): this {
    this.addEnvironment('ATTACHMENTS_BUCKET', bucket.bucketName);
    const prefixes = [ATTACHMENT_PREFIX, TRANSCRIPT_PREFIX];
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
      }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
    for (const prefix of prefixes) {
      Validations.of(this.role ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${this.nagNameOfArn(bucket, bucket.bucketArn)}/${prefix}*]`,
        reason: `Objects under ${prefix} are named at run time by conversation or citizen; the wildcard is limited to that prefix of this one bucket.`,
      });
    }
    return this;
  }

  /**
   * Sets `ATTACHMENTS_BUCKET` and grants writing and reading citizens' transcripts under
   * `transcripts/` (`transcript.get`: the page is put, then handed out by a presigned GET signed
   * with this role), with the bucket's key.
   */
  useTranscripts(bucket: IBucket, key: IKey): this {
    this.addEnvironment('ATTACHMENTS_BUCKET', bucket.bucketName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [bucket.arnForObjects(`${TRANSCRIPT_PREFIX}*`)],
      }),
    );
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
    );
    Validations.of(this.role ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagNameOfArn(bucket, bucket.bucketArn)}/${TRANSCRIPT_PREFIX}*]`,
      reason: `Transcripts are named at run time (${TRANSCRIPT_PREFIX}{citizenId}/{id}.html); the wildcard is limited to that prefix of this one bucket.`,
    });
    return this;
  }

  /** Layers mounted through the `use…` methods: several of them share the knowledge-base layer. */
  private readonly mountedLayers = new Set<KnowledgeBaseLayer>();

  private mount(knowledgeBase: KnowledgeBaseLayer): void {
    if (this.mountedLayers.has(knowledgeBase)) return;
    this.mountedLayers.add(knowledgeBase);
    this.addLayers(knowledgeBase.layer);
  }

  /** Mounts the knowledge-base layer and sets `KNOWLEDGE_BASE_DIR` to where it appears. */
  useKnowledgeBase(knowledgeBase: KnowledgeBaseLayer): this {
    this.mount(knowledgeBase);
    this.addEnvironment('KNOWLEDGE_BASE_DIR', knowledgeBase.mountDir);
    return this;
  }

  /** Mounts the knowledge-base layer and sets `MFC_DIRECTORY_DIR` to its MFC offices and services. */
  useMfcDirectory(knowledgeBase: KnowledgeBaseLayer): this {
    this.mount(knowledgeBase);
    this.addEnvironment('MFC_DIRECTORY_DIR', knowledgeBase.mfcDir);
    return this;
  }

  /** Mounts the knowledge-base layer and sets `CANNED_ANSWERS_DIR` to its canned answers. */
  useCannedAnswers(knowledgeBase: KnowledgeBaseLayer): this {
    this.mount(knowledgeBase);
    this.addEnvironment('CANNED_ANSWERS_DIR', knowledgeBase.cannedDir);
    return this;
  }

  /**
   * Sets `WS_CONNECTIONS_ENDPOINT` to the stage's `@connections` endpoint and allows
   * `execute-api:ManageConnections` on exactly that API and stage, for POST only — and DELETE
   * (closing a connection) where `close` is asked for: only what ends or binds a session closes one.
   */
  useConnectionsApi(api: WebSocketApi, stage: WebSocketStage, options: { close?: boolean } = {}): this {
    this.addEnvironment('WS_CONNECTIONS_ENDPOINT', stage.callbackUrl);
    const methods = options.close ? [...CONNECTION_METHODS, 'DELETE'] : CONNECTION_METHODS;
    const stack = Stack.of(this);
    const connectionsArn = (method: string): string =>
      stack.formatArn({
        service: 'execute-api',
        resource: api.apiId,
        resourceName: `${stage.stageName}/${method}/@connections/*`,
      });
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['execute-api:ManageConnections'],
        resources: methods.map(connectionsArn),
      }),
    );
    const apiLogicalId = stack.getLogicalId(api.node.defaultChild as CfnElement);
    for (const method of methods) {
      Validations.of(this.role ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiLogicalId}>/${stage.stageName}/${method}/@connections/*]`,
        reason:
          'Connection ids exist only at run time; the wildcard is limited to @connections of this API and stage.',
      });
    }
    return this;
  }
}
