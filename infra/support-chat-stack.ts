/**
 * The one stack of the support chat. Stateful resources (tables, queues, bucket, topic) are built
 * first, each in its own construct, and handed as typed props to the stateless ones (functions,
 * API, alarms), so what holds data is visible at a glance and never created as a side effect.
 *
 * The stack is environment-agnostic (no `env`, no lookups): it synthesizes without credentials.
 * The local stack synthesizes it in-process without bundling:
 * `new SupportChatStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SupportChat')`,
 * then `app.synth().getStackByName('SupportChat').template` is the template.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AttachmentStore } from './constructs/attachments.ts';
import { BotDispatch, BotQueues, BotWorker } from './constructs/bot.ts';
import { ChatTables } from './constructs/data.ts';
import { Desk } from './constructs/desk.ts';
import type { FunctionSettings, LogLevel } from './constructs/house-function.ts';
import { Identification, IdentificationKeys } from './constructs/identification.ts';
import { KnowledgeBaseLayer } from './constructs/knowledge-base.ts';
import { Monitoring, OnCallTopic } from './constructs/observability.ts';
import { OperatorPool } from './constructs/operator-pool.ts';
import { DispatchQueues, EscalationQueues, OperatorDispatch } from './constructs/operators.ts';
import { Realtime } from './constructs/realtime.ts';
import { Tickets } from './constructs/tickets.ts';

/** Configuration of the support chat; `infra/app.ts` reads it from CDK context. */
export interface SupportChatStackProps extends StackProps {
  /**
   * Name of the WebSocket stage (`wss://<api>/<stageName>`).
   * @default 'v1'
   */
  readonly stageName?: string;
  /**
   * Retention of every function's log group and of the API access logs.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * `POWERTOOLS_LOG_LEVEL` of every function.
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Days messages, conversations and attachments are kept (TTL, C12).
   * @default 365
   */
  readonly messageRetentionDays?: number;
  /**
   * Deadline in milliseconds of one `PostToConnection` call.
   * @default 3000
   */
  readonly postTimeoutMs?: number;
  /**
   * E-mail address subscribed to the on-call topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Sender of one-time codes by e-mail (`AUTH_EMAIL_FROM`): an SES identity verified in the account
   * (its domain, or the address itself); the code functions may send from it only.
   * @default 'no-reply@gosuslugi.example'
   */
  readonly authEmailFrom?: string;
  /**
   * Steady-state requests per second the WebSocket stage admits (default route settings).
   * @default 500
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst the WebSocket stage admits (default route settings).
   * @default 1000
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Whether the stack sets the account's API Gateway CloudWatch Logs role, which WebSocket stage
   * logging requires. One setting per account and region: disable it where it is managed centrally.
   * @default true
   */
  readonly configureApiGatewayAccountLogsRole?: boolean;
  /**
   * Where docs/runbooks.md is published, for the links in alarm descriptions.
   * @default 'docs/runbooks.md'
   */
  readonly runbookUrl?: string;
  /**
   * Origins of the portal allowed to post the feedback form from a browser (CORS of `POST /feedback`).
   * @default - none (no CORS)
   */
  readonly portalOrigins?: readonly string[];
  /**
   * Steady-state requests per second the feedback API admits.
   * @default 20
   */
  readonly feedbackRateLimit?: number;
  /**
   * Burst the feedback API admits.
   * @default 50
   */
  readonly feedbackBurstLimit?: number;
  /**
   * ARN of the SNS platform application for FCM (Android push, C11).
   * @default - none: `push.register` refuses `fcm`
   */
  readonly pushFcmApplicationArn?: string;
  /**
   * ARN of the SNS platform application for APNs (iOS push, C11).
   * @default - none: `push.register` refuses `apns`
   */
  readonly pushApnsApplicationArn?: string;
  /**
   * Repo-relative folder of the knowledge-base layer (tests may point it elsewhere).
   * @default 'layers/knowledge-base'
   */
  readonly knowledgeBasePath?: string;
}

/** The support chat: WebSocket API, handlers, tables, bot and escalation queues, attachments bucket, alarms. */
export class SupportChatStack extends Stack {
  readonly tables: ChatTables;
  readonly realtime: Realtime;
  readonly bot: BotWorker;
  readonly botDispatch: BotDispatch;
  readonly monitoring: Monitoring;
  /** The ticket routes and the portal's feedback API. */
  readonly tickets: Tickets;
  /** The operator queues, their dead-letter queues and the timer queue (alarms, E5). */
  readonly dispatchQueues: DispatchQueues;
  /** The dispatcher: escalation and timer consumers, operator.status/next, queue.stats. */
  readonly dispatch: OperatorDispatch;
  /** The operator's desk routes and the relays of the messages and tickets streams. */
  readonly desk: Desk;

  constructor(scope: Construct, id: string, props: SupportChatStackProps = {}) {
    super(scope, id, {
      description: 'Support chat of the government-services portal (WebSocket API, bot, alarms)',
      ...props,
    });
    const messageRetentionDays = props.messageRetentionDays ?? 365;
    const settings: FunctionSettings = {
      logRetention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      logLevel: props.logLevel ?? 'INFO',
      messageRetentionDays,
      postTimeoutMs: props.postTimeoutMs ?? 3000,
    };

    // Stateful.
    this.tables = new ChatTables(this, 'Data');
    const botQueues = new BotQueues(this, 'BotQueues');
    const escalationQueues = new EscalationQueues(this, 'EscalationQueues');
    this.dispatchQueues = new DispatchQueues(this, 'Dispatch', { tables: this.tables });
    new AttachmentStore(this, 'Attachments', { retentionDays: messageRetentionDays });
    const onCall = new OnCallTopic(this, 'OnCall', { alarmEmail: props.alarmEmail });
    const identificationKeys = new IdentificationKeys(this, 'IdentificationKeys');

    // Stateless.
    const knowledgeBase = new KnowledgeBaseLayer(this, 'KnowledgeBase', { path: props.knowledgeBasePath });
    this.realtime = new Realtime(this, 'Realtime', {
      settings,
      tables: this.tables,
      botQueues,
      knowledgeBase,
      escalationQueues,
      stageName: props.stageName ?? 'v1',
      throttlingRateLimit: props.throttlingRateLimit ?? 500,
      throttlingBurstLimit: props.throttlingBurstLimit ?? 1000,
      configureAccountLogsRole: props.configureApiGatewayAccountLogsRole,
    });
    // Operators sign in to Cognito; the $connect authorizer verifies their ID tokens.
    const operatorPool = new OperatorPool(this, 'Operators');
    operatorPool.verifiedBy(this.realtime.authorizer);
    // Citizens identify by one-time code; the authorizer and hello sign and check resume tokens.
    new Identification(this, 'Identification', {
      settings,
      tables: this.tables,
      realtime: this.realtime,
      keys: identificationKeys,
      emailFrom: props.authEmailFrom ?? 'no-reply@gosuslugi.example',
    });
    this.bot = new BotWorker(this, 'Bot', {
      settings,
      tables: this.tables,
      queues: botQueues,
      api: this.realtime.api,
      stage: this.realtime.stage,
      knowledgeBase,
      escalationQueues,
    });
    this.botDispatch = new BotDispatch(this, 'BotOutbox', {
      settings,
      tables: this.tables,
      queues: botQueues,
    });
    // Tickets: ticket.get/list/setStatus, feedback.submit, and the portal's POST /feedback.
    this.tickets = new Tickets(this, 'Tickets', {
      settings,
      tables: this.tables,
      realtime: this.realtime,
      dispatchQueues: this.dispatchQueues,
      citizenIdKey: identificationKeys.hmacKey,
      portalOrigins: props.portalOrigins,
      feedbackRateLimit: props.feedbackRateLimit,
      feedbackBurstLimit: props.feedbackBurstLimit,
    });
    // The operator's desk: reply, note, transfer, canned answers, typing, push devices, and the relays.
    this.desk = new Desk(this, 'Desk', {
      settings,
      tables: this.tables,
      realtime: this.realtime,
      knowledgeBase,
      dispatch: this.dispatchQueues,
      pushApplications: { fcm: props.pushFcmApplicationArn, apns: props.pushApnsApplicationArn },
    });
    // The dispatcher: escalations into operator queues, exactly-once assignment, SLA and grace timers.
    this.dispatch = new OperatorDispatch(this, 'Dispatcher', {
      settings,
      tables: this.tables,
      escalationQueues,
      dispatchQueues: this.dispatchQueues,
      realtime: this.realtime,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      onCall,
      functions: [
        ...this.dispatch.functions,
        ...this.realtime.functions,
        this.bot.function,
        this.botDispatch.function,
        this.tickets.portalFeedback,
        ...this.desk.functions,
      ],
      deadLetterQueues: [
        botQueues.deadLetterQueue,
        escalationQueues.deadLetterQueue,
        ...this.dispatchQueues.deadLetterQueues(),
        this.desk.failureQueue,
      ],
      botQueue: botQueues.queue,
      escalationQueue: escalationQueues.queue,
      botDispatchFailureQueue: this.botDispatch.failureQueue,
      botDispatch: this.botDispatch.function,
      stage: this.realtime.stage,
      tables: this.tables.all(),
      operatorQueues: Object.values(this.dispatchQueues.operatorQueues),
      httpStages: [this.tickets.feedbackStage],
      runbookUrl: props.runbookUrl,
    });

    // What the platform team hands on: where clients connect, where alarms go, what to watch.
    new CfnOutput(this, 'WebSocketUrl', {
      description: "The endpoint citizens' and operators' clients connect to",
      value: this.realtime.stage.url,
    });
    new CfnOutput(this, 'OnCallTopicArn', {
      description: 'SNS topic of every alarm: subscribe the on-call tool to it',
      value: onCall.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'FeedbackApiUrl', {
      description:
        "Where the portal's feedback form posts (POST, JSON): creates a ticket, answers its number",
      value: this.tickets.feedbackUrl,
    });
  }
}
