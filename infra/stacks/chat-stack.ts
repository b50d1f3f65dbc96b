/**
 * What runs, and can be replaced at will: the WebSocket API and the portal's feedback API, every
 * function, the queues between them, and the knowledge-base layer. It reads the data stack's tables,
 * keys and user pool by reference (CloudFormation exports), so it can be redeployed, rolled back or
 * deleted without touching a stored byte.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Assignment } from '../constructs/assignment.ts';
import { AttachmentChecks } from '../constructs/attachment-checks.ts';
import { Audit } from '../constructs/audit.ts';
import { BotOutbox, BotWorker } from '../constructs/bot.ts';
import { Desk } from '../constructs/desk.ts';
import type { FunctionSettings, HouseFunction } from '../constructs/house-function.ts';
import { Identification } from '../constructs/identification.ts';
import { KnowledgeBaseLayer } from '../constructs/knowledge-base.ts';
import type { WatchedChat } from '../constructs/monitoring/watched.ts';
import { AssignmentQueues, BotQueues, EscalationQueues } from '../constructs/queues.ts';
import { Realtime } from '../constructs/realtime.ts';
import { Tickets } from '../constructs/tickets.ts';
import { Visits } from '../constructs/visits.ts';
import type { StageName } from '../stage.ts';
import type { DataStack } from './data-stack.ts';

/** Properties of {@link ChatStack}. */
export interface ChatStackProps extends StackProps {
  readonly stage: StageName;
  /** The stage's data. */
  readonly data: DataStack;
  /** Settings every function shares. */
  readonly settings: FunctionSettings;
  /** Name of the WebSocket stage (`wss://<api>/<stageName>`). */
  readonly stageName: string;
  /** Requests per second / burst of the WebSocket stage. */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Whether this stack sets the account's API Gateway CloudWatch Logs role. */
  readonly configureApiGatewayAccountLogsRole: boolean;
  /** Sender of one-time codes by e-mail: a verified SES identity. */
  readonly authEmailFrom: string;
  /** Origins allowed to post the feedback form from a browser. */
  readonly portalOrigins: readonly string[];
  /**
   * The origin of the Web stack's pages (its `WebUrl`, or the custom domain in front of it): with
   * `portalOrigins`, the browser pages the `$connect` authorizer admits.
   */
  readonly webOrigin?: string;
  /**
   * The portal's registry of applications (HTTPS), the bot's source for a verified citizen's applications.
   * @default none: the bot's own answer to "where is my application" stands
   */
  readonly portalRegistryUrl?: string;
  /**
   * The secret (complete ARN) holding the registry's service token, when the portal team keeps it.
   * @default with `portalRegistryUrl`, the stack creates one (retained)
   */
  readonly portalRegistryTokenSecretArn?: string;
  /** Requests per second / burst of the feedback API. */
  readonly feedbackRateLimit: number;
  readonly feedbackBurstLimit: number;
  /**
   * Repo-relative folder of the knowledge-base layer (tests may point it elsewhere).
   * @default 'layers/knowledge-base'
   */
  readonly knowledgeBasePath?: string;
  /**
   * How often the reconciler of the waiting line runs, in minutes.
   * @default 1
   */
  readonly reconcileMinutes?: number;
}

export class ChatStack extends Stack {
  readonly realtime: Realtime;
  readonly bot: BotWorker;
  readonly outbox: BotOutbox;
  readonly tickets: Tickets;
  readonly desk: Desk;
  readonly visits: Visits;
  readonly assignment: Assignment;
  readonly attachments: AttachmentChecks;
  readonly audit: Audit;
  readonly botQueues: BotQueues;
  readonly escalationQueues: EscalationQueues;
  readonly assignmentQueues: AssignmentQueues;

  constructor(scope: Construct, id: string, props: ChatStackProps) {
    const {
      stage,
      data,
      settings,
      stageName,
      throttlingRateLimit,
      throttlingBurstLimit,
      configureApiGatewayAccountLogsRole,
      authEmailFrom,
      portalOrigins,
      webOrigin,
      portalRegistryUrl,
      portalRegistryTokenSecretArn,
      feedbackRateLimit,
      feedbackBurstLimit,
      knowledgeBasePath,
      reconcileMinutes,
      ...stackProps
    } = props;
    super(scope, id, {
      description: `Support chat (${stage}): WebSocket and feedback APIs, functions, queues`,
      ...stackProps,
    });
    const { tables } = data;

    // The queues between the functions.
    this.botQueues = new BotQueues(this, 'BotQueues');
    this.escalationQueues = new EscalationQueues(this, 'EscalationQueues');
    this.assignmentQueues = new AssignmentQueues(this, 'AssignmentQueues', { tables });

    const knowledgeBase = new KnowledgeBaseLayer(this, 'KnowledgeBase', { path: knowledgeBasePath });
    this.realtime = new Realtime(this, 'Realtime', {
      settings,
      tables,
      botQueues: this.botQueues,
      knowledgeBase,
      escalationQueues: this.escalationQueues,
      stageName,
      throttlingRateLimit,
      throttlingBurstLimit,
      configureAccountLogsRole: configureApiGatewayAccountLogsRole,
      allowedOrigins: [...portalOrigins, ...(webOrigin === undefined ? [] : [webOrigin])],
      cursorKey: data.identificationKeys.cursorKey,
      ...(webOrigin === undefined ? {} : { webOrigin }),
      ...(portalRegistryUrl === undefined ? {} : { portalRegistryUrl }),
    });
    // Operators sign in to Cognito; the $connect authorizer verifies their ID tokens.
    data.operatorPool.verifiedBy(this.realtime.authorizer);
    // Citizens identify by one-time code; the authorizer and hello sign and check resume tokens.
    new Identification(this, 'Identification', {
      settings,
      tables,
      realtime: this.realtime,
      keys: data.identificationKeys,
      emailFrom: authEmailFrom,
      botQueues: this.botQueues,
    });
    this.bot = new BotWorker(this, 'Bot', {
      settings,
      tables,
      queues: this.botQueues,
      api: this.realtime.api,
      stage: this.realtime.stage,
      knowledgeBase,
      escalationQueues: this.escalationQueues,
      ...(webOrigin === undefined ? {} : { webOrigin }),
      ...(portalRegistryUrl === undefined ? {} : { portalRegistryUrl }),
      ...(portalRegistryTokenSecretArn === undefined ? {} : { portalRegistryTokenSecretArn }),
    });
    this.outbox = new BotOutbox(this, 'Outbox', { settings, tables, queues: this.botQueues });
    // Tickets: ticket.get/list/setStatus, feedback.submit, and the portal's POST /feedback.
    this.tickets = new Tickets(this, 'Tickets', {
      settings,
      tables,
      realtime: this.realtime,
      assignmentQueues: this.assignmentQueues,
      citizenIdKey: data.identificationKeys.hmacKey,
      cursorKey: data.identificationKeys.cursorKey,
      knowledgeBase,
      portalOrigins,
      feedbackRateLimit,
      feedbackBurstLimit,
    });
    // MFC offices and visits: the mfc.* routes and the reminders of visits.
    this.visits = new Visits(this, 'Visits', {
      settings,
      tables,
      realtime: this.realtime,
      knowledgeBase,
      cursorKey: data.identificationKeys.cursorKey,
      ...(webOrigin === undefined ? {} : { webOrigin }),
    });
    // The operator's desk: reply, note, transfer, canned answers, typing, push devices, and the relays.
    this.desk = new Desk(this, 'Desk', {
      settings,
      tables,
      realtime: this.realtime,
      knowledgeBase,
      assignmentQueues: this.assignmentQueues,
    });
    // Assignment: escalations into operator queues, exactly-once assignment, SLA and grace timers.
    this.assignment = new Assignment(this, 'Assignment', {
      settings,
      tables,
      escalationQueues: this.escalationQueues,
      assignmentQueues: this.assignmentQueues,
      realtime: this.realtime,
      reconcileEvery: Duration.minutes(reconcileMinutes ?? 1),
    });

    // Attachments: presigned uploads and downloads, and the check of every upload.
    this.attachments = new AttachmentChecks(this, 'Attachments', {
      settings,
      tables,
      realtime: this.realtime,
      store: data.attachments,
    });

    // Audit and personal data: the platform team's export and erasure functions.
    this.audit = new Audit(this, 'Audit', {
      settings,
      tables,
      store: data.audit,
      attachments: data.attachments,
      keys: data.identificationKeys,
      realtime: this.realtime,
      assignmentQueues: this.assignmentQueues,
    });

    // Every frame of an operator is checked against the pool (removal, disablement, demotion).
    for (const fn of this.realtime.staffFunctions) data.operatorPool.checkedBy(fn);

    // What the platform team hands on: where clients connect and where the portal's form posts.
    new CfnOutput(this, 'WebSocketUrl', {
      description: "The endpoint citizens' and operators' clients connect to",
      value: this.realtime.stage.url,
    });
    new CfnOutput(this, 'FeedbackApiUrl', {
      description:
        "Where the portal's feedback form posts (POST, JSON): creates a ticket, answers its number",
      value: this.tickets.feedbackUrl,
    });
  }

  /** Every function of the stack: routes, consumers, stream functions. */
  get functions(): HouseFunction[] {
    return [
      ...this.assignment.functions,
      ...this.realtime.functions,
      this.bot.function,
      this.outbox.function,
      this.tickets.portalFeedback,
      ...this.desk.functions,
      this.attachments.check,
      ...this.audit.functions,
      this.visits.reminders,
    ];
  }

  /** What the monitoring stack watches, with the data stack's tables. */
  watched(data: DataStack): WatchedChat {
    return {
      functions: this.functions,
      deadLetterQueues: [
        this.botQueues.deadLetterQueue,
        this.escalationQueues.deadLetterQueue,
        ...this.assignmentQueues.deadLetterQueues(),
        this.desk.failureQueue,
        this.attachments.deadLetterQueue,
      ],
      botQueue: this.botQueues.queue,
      escalationQueue: this.escalationQueues.queue,
      outboxFailureQueue: this.outbox.failureQueue,
      outbox: this.outbox.function,
      stage: this.realtime.stage,
      tables: data.tables.all(),
      operatorQueues: Object.values(this.assignmentQueues.operatorQueues),
      httpStages: [this.tickets.feedbackStage],
    };
  }
}
