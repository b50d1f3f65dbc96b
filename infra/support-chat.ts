/**
 * The support chat of one stage, as four stacks split by lifecycle (docs/deploy.md):
 *
 * - `SupportChat-<stage>-Data`: what holds data (tables, attachments, keys, the operators' pool);
 * - `SupportChat-<stage>-Chat`: what runs (APIs, functions, queues), reading the data by reference;
 * - `SupportChat-<stage>-Monitoring`: alarms, dashboard and the on-call topic over both;
 * - `SupportChat-<stage>-Web`: the widget and the operator console behind CloudFront, with the
 *   `config.json` written from the other stacks' outputs.
 *
 * `cdk deploy --all` deploys them in that order (the references are the dependencies). The stacks
 * are environment-agnostic (no `env`, no lookups), so `cdk synth` needs no AWS account. The local
 * stack and the infra tests build the same app in-process, without bundling (local/synth.ts).
 */
import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { LogLevel } from './constructs/house-function.ts';
import { ChatStack } from './stacks/chat-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';
import { WebStack } from './stacks/web-stack.ts';
import { type AuditLockMode, type StageName, stackName } from './stage.ts';

/**
 * Resources one stack may hold: CloudFormation refuses a stack over 500, and this leaves room for
 * the next capabilities of each stack (test/infra/stacks.test.ts holds every stack to it).
 */
export const MAX_RESOURCES_PER_STACK = 450;

/** The whole configuration of one stage: the stage's defaults with the context's overrides (infra/context.ts). */
export interface SupportChatConfig {
  readonly stage: StageName;
  /** Name of the WebSocket stage, the first path segment of its URL. */
  readonly stageName: string;
  readonly logRetention: RetentionDays;
  readonly logLevel: LogLevel;
  readonly messageRetentionDays: number;
  readonly ticketRetentionDays: number;
  readonly attachmentRetentionDays: number;
  readonly journalRetentionDays: number;
  readonly visitRetentionDays: number;
  readonly auditExportRetentionDays: number;
  readonly auditLockMode: AuditLockMode;
  readonly postTimeoutMs: number;
  readonly alarmEmail?: string;
  readonly authEmailFrom: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly slaAssignSeconds: number;
  /** Minutes between two runs of the SLA report (each reports the last full clock hour). */
  readonly slaReportRateMinutes: number;
  /** How often the reconciler of the waiting line runs, in minutes (docs/architecture.md, "The reconciler"). */
  readonly reconcileMinutes: number;
  readonly smsSenderId: string;
  readonly retainData: boolean;
  readonly runbookUrl: string;
  readonly portalOrigins: readonly string[];
  /** The Web stack's origin, once known (context `webOrigin`): the console connects from it. */
  readonly webOrigin?: string;
  /** The portal's registry of applications (context `portalRegistryUrl`, HTTPS), read by the bot worker. */
  readonly portalRegistryUrl?: string;
  /** The secret of the registry's token (context `portalRegistryTokenSecretArn`); else the stack creates one. */
  readonly portalRegistryTokenSecretArn?: string | undefined;
  /** Per-client limits changed from their defaults (`LIMIT_*`, docs/protocol.md "Limits per client"). */
  readonly clientLimits?: Readonly<Record<string, number>>;
  readonly feedbackRateLimit: number;
  readonly feedbackBurstLimit: number;
  readonly configureApiGatewayAccountLogsRole: boolean;
  /** Long message bodies written compressed (`MESSAGE_BODY_COMPRESSION` of every writer of messages). */
  readonly compressMessageBodies: boolean;
  readonly pushFcmApplicationArn?: string;
  readonly pushApnsApplicationArn?: string;
  /** The tables' indexes as after this step of the upgrade from the last release's (infra/constructs/data.ts); by default the last. */
  readonly dataIndexStep?: number;
  /** Repo-relative folder of the knowledge-base layer (tests may point it elsewhere). */
  readonly knowledgeBasePath?: string;
}

/** The four stacks of one stage. */
export class SupportChat {
  readonly data: DataStack;
  readonly chat: ChatStack;
  readonly monitoring: MonitoringStack;
  readonly web: WebStack;

  constructor(scope: Construct, config: SupportChatConfig) {
    const { stage } = config;
    this.data = new DataStack(scope, stackName(stage, 'Data'), {
      stage,
      retainData: config.retainData,
      attachmentRetentionDays: config.attachmentRetentionDays,
      auditExportRetentionDays: config.auditExportRetentionDays,
      auditLockMode: config.auditLockMode,
      ...(config.dataIndexStep === undefined ? {} : { indexStep: config.dataIndexStep }),
      uploadOrigins: [...config.portalOrigins, ...(config.webOrigin === undefined ? [] : [config.webOrigin])],
    });
    const settings = {
      logRetention: config.logRetention,
      logLevel: config.logLevel,
      messageRetentionDays: config.messageRetentionDays,
      ticketRetentionDays: config.ticketRetentionDays,
      attachmentRetentionDays: config.attachmentRetentionDays,
      journalRetentionDays: config.journalRetentionDays,
      visitRetentionDays: config.visitRetentionDays,
      postTimeoutMs: config.postTimeoutMs,
      slaAssignSeconds: config.slaAssignSeconds,
      smsSenderId: config.smsSenderId,
      clientLimits: config.clientLimits ?? {},
      compressMessageBodies: config.compressMessageBodies,
      pushApplications: {
        ...(config.pushFcmApplicationArn === undefined ? {} : { fcm: config.pushFcmApplicationArn }),
        ...(config.pushApnsApplicationArn === undefined ? {} : { apns: config.pushApnsApplicationArn }),
      },
    };
    this.chat = new ChatStack(scope, stackName(stage, 'Chat'), {
      stage,
      data: this.data,
      settings,
      stageName: config.stageName,
      throttlingRateLimit: config.throttlingRateLimit,
      throttlingBurstLimit: config.throttlingBurstLimit,
      configureApiGatewayAccountLogsRole: config.configureApiGatewayAccountLogsRole,
      authEmailFrom: config.authEmailFrom,
      portalOrigins: config.portalOrigins,
      webOrigin: config.webOrigin,
      ...(config.portalRegistryUrl === undefined ? {} : { portalRegistryUrl: config.portalRegistryUrl }),
      ...(config.portalRegistryTokenSecretArn === undefined
        ? {}
        : { portalRegistryTokenSecretArn: config.portalRegistryTokenSecretArn }),
      feedbackRateLimit: config.feedbackRateLimit,
      feedbackBurstLimit: config.feedbackBurstLimit,
      knowledgeBasePath: config.knowledgeBasePath,
      reconcileMinutes: config.reconcileMinutes,
    });
    this.monitoring = new MonitoringStack(scope, stackName(stage, 'Monitoring'), {
      stage,
      watched: this.chat.watched(this.data),
      namePrefix: `SupportChat-${stage}`,
      alarmEmail: config.alarmEmail,
      runbookUrl: config.runbookUrl,
      settings,
      slaTable: this.data.tables.sla,
      slaReportRate: Duration.minutes(config.slaReportRateMinutes),
    });
    this.web = new WebStack(scope, stackName(stage, 'Web'), {
      stage,
      webSocketUrl: this.chat.realtime.stage.url,
      feedbackUrl: this.chat.tickets.feedbackUrl,
      userPoolId: this.data.operatorPool.userPool.userPoolId,
      userPoolClientId: this.data.operatorPool.client.userPoolClientId,
      portalOrigins: config.portalOrigins,
      attachmentsBucketName: this.data.attachments.bucket.bucketName,
    });
  }

  /** The stacks, in deployment order. */
  get stacks(): [DataStack, ChatStack, MonitoringStack, WebStack] {
    return [this.data, this.chat, this.monitoring, this.web];
  }
}
