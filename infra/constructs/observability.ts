/**
 * What on-call sees (C8): the alarm topic (stateful, {@link OnCallTopic}) and the alarms and
 * dashboard over the stack's functions, queues, API and tables ({@link Monitoring}). Every alarm
 * names its runbook section in docs/runbooks.md.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpStage, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function.ts';

/** Sections of docs/runbooks.md, one per kind of alarm. */
export const RUNBOOK_ANCHORS = {
  lambdaErrors: 'lambda-errors',
  lambdaThrottles: 'lambda-throttles',
  deadLetterQueue: 'dead-letter-queue',
  botQueueBacklog: 'bot-queue-backlog',
  escalationQueueBacklog: 'escalation-queue-backlog',
  botDispatchFailures: 'bot-dispatch-failures',
  botDispatchLag: 'bot-dispatch-lag',
  integrationErrors: 'websocket-integration-errors',
  executionErrors: 'websocket-execution-errors',
  dynamoDbThrottling: 'dynamodb-throttling',
  slaBreach: 'sla-breach',
  firstResponse: 'first-response-p90',
  operatorQueueBacklog: 'operator-queue-backlog',
  httpApiServerErrors: 'feedback-api-server-errors',
} as const;

/** Properties of {@link OnCallTopic}. */
export interface OnCallTopicProps {
  /**
   * E-mail address subscribed to the topic (confirm the subscription e-mail after deploy).
   * @default - no subscription; subscribe the on-call tool to the topic yourself
   */
  readonly alarmEmail?: string;
}

/** The SNS topic every alarm notifies, encrypted with a key CloudWatch may use. */
export class OnCallTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: OnCallTopicProps = {}) {
    super(scope, id);
    const key = new Key(this, 'OnCallKey', {
      description: 'Encrypts the on-call alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic, so it needs the data key.
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'OnCallTopic', {
      displayName: 'Support chat on-call',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
  }
}

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /** Topic the alarms notify. */
  readonly onCall: OnCallTopic;
  /** Every function of the stack. */
  readonly functions: readonly HouseFunction[];
  /** Every dead-letter queue of the stack. */
  readonly deadLetterQueues: readonly Queue[];
  /** The bot queue, whose oldest message is the bot's first-response delay. */
  readonly botQueue: Queue;
  /** The escalation queue, whose oldest message is a citizen waiting for the operators' side. */
  readonly escalationQueue: Queue;
  /** The on-failure destination of the outbox (BotDispatch): stream batches it could not queue. */
  readonly botDispatchFailureQueue: Queue;
  /** The outbox function (BotDispatch), whose stream iterator age is how far the outbox lags. */
  readonly botDispatch: HouseFunction;
  /** The WebSocket stage. */
  readonly stage: WebSocketStage;
  /** Every table of the stack. */
  readonly tables: readonly Table[];
  /**
   * The operator queues (a category's or the seniors'), whose oldest message is the longest wait
   * of a citizen for a person.
   * @default - none
   */
  readonly operatorQueues?: readonly Queue[];
  /**
   * HTTP API stages (the portal's `POST /feedback`): any 5xx answer is an integration failure.
   * @default - none
   */
  readonly httpStages?: readonly HttpStage[];
  /**
   * The functions' EMF namespace and `service` dimension (Powertools), where the SLA metrics are:
   * `FirstResponseTime`, `TimeToAssignment`, `ResolutionTime`, `SlaBreaches`, `Escalations`, `CSAT`.
   * @default { namespace: 'SupportChat', service: 'support-chat' }
   */
  readonly slaMetrics?: { readonly namespace: string; readonly service: string };
  /**
   * Where docs/runbooks.md is published; the alarm description appends `#<section>`.
   * @default 'docs/runbooks.md'
   */
  readonly runbookUrl?: string;
}

/** The oldest bot job may wait this long before the first-response SLA (30 s, C7) is at risk. */
const BOT_BACKLOG_SECONDS = 30;

/**
 * How far the outbox may lag behind the MessagesTable stream: past the first-response SLA (30 s, C7),
 * a message whose fast-path send failed would be answered late.
 */
const BOT_DISPATCH_LAG_MS = 30_000;

/** An escalation may wait this long for the dispatcher (C8: oldest message in an operator queue). */
const ESCALATION_BACKLOG_SECONDS = 120;

/** C8: the oldest conversation waiting in any operator queue. */
const OPERATOR_QUEUE_BACKLOG_SECONDS = 120;

/** C7/C8: the first response to a citizen message, p90, bot answers and first operator replies alike. */
const FIRST_RESPONSE_P90_MS = 30_000;

/** C8: "any SLA breach in the last hour": 12 periods of 5 minutes, one breaching is enough. */
const SLA_BREACH_WINDOW = { period: Duration.minutes(5), periods: 12 };

/** Alarms on functions, queues, API and tables, and the dashboard that shows them. */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  private readonly props: MonitoringProps;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    const every = (minutes: number) => ({ period: Duration.minutes(minutes) });

    for (const fn of props.functions) {
      const name = fn.node.id;
      this.alarmAbove(`${name}Errors`, fn.metricErrors({ ...every(5), statistic: 'Sum' }), 0, {
        what: `${name} failed an invocation`,
        runbook: RUNBOOK_ANCHORS.lambdaErrors,
      });
      this.alarmAbove(`${name}Throttles`, fn.metricThrottles({ ...every(5), statistic: 'Sum' }), 0, {
        what: `${name} was throttled`,
        runbook: RUNBOOK_ANCHORS.lambdaThrottles,
      });
    }
    for (const queue of props.deadLetterQueues) {
      const name = queue.node.id;
      this.alarmAbove(
        `${name}NotEmpty`,
        queue.metricApproximateNumberOfMessagesVisible({ ...every(1), statistic: 'Maximum' }),
        0,
        { what: `${name} holds messages that failed every retry`, runbook: RUNBOOK_ANCHORS.deadLetterQueue },
      );
    }
    this.alarmAbove(
      'BotQueueBacklog',
      props.botQueue.metricApproximateAgeOfOldestMessage({ ...every(1), statistic: 'Maximum' }),
      BOT_BACKLOG_SECONDS,
      {
        what: `The oldest bot job waited over ${BOT_BACKLOG_SECONDS} s: citizens get no first response`,
        runbook: RUNBOOK_ANCHORS.botQueueBacklog,
      },
    );
    this.alarmAbove(
      'EscalationQueueBacklog',
      props.escalationQueue.metricApproximateAgeOfOldestMessage({ ...every(1), statistic: 'Maximum' }),
      ESCALATION_BACKLOG_SECONDS,
      {
        what: `The oldest escalation waited over ${ESCALATION_BACKLOG_SECONDS} s: a citizen is waiting for a person`,
        runbook: RUNBOOK_ANCHORS.escalationQueueBacklog,
      },
    );
    this.alarmAbove(
      'BotDispatchFailures',
      props.botDispatchFailureQueue.metricApproximateNumberOfMessagesVisible({
        ...every(1),
        statistic: 'Maximum',
      }),
      0,
      {
        what: 'The outbox gave up on stream records: citizen messages whose bot job may never have been queued',
        runbook: RUNBOOK_ANCHORS.botDispatchFailures,
      },
    );
    this.alarmAbove(
      'BotDispatchLag',
      props.botDispatch.metric('IteratorAge', { ...every(1), statistic: 'Maximum' }),
      BOT_DISPATCH_LAG_MS,
      {
        what: `The outbox is over ${BOT_DISPATCH_LAG_MS / 1000} s behind the messages stream: a message whose send failed waits`,
        runbook: RUNBOOK_ANCHORS.botDispatchLag,
      },
    );
    this.alarmAbove(
      'WebSocketIntegrationErrors',
      props.stage.metric('IntegrationError', { ...every(5), statistic: 'Sum' }),
      0,
      { what: 'API Gateway got an error from a route function', runbook: RUNBOOK_ANCHORS.integrationErrors },
    );
    this.alarmAbove(
      'WebSocketExecutionErrors',
      props.stage.metric('ExecutionError', { ...every(5), statistic: 'Sum' }),
      0,
      { what: 'API Gateway failed to run a route', runbook: RUNBOOK_ANCHORS.executionErrors },
    );
    for (const table of props.tables) {
      this.alarmAbove(`${table.node.id}Throttling`, throttleEvents(table), 0, {
        what: `${table.node.id} throttled reads or writes`,
        runbook: RUNBOOK_ANCHORS.dynamoDbThrottling,
      });
    }
    this.alarmAbove(
      'SlaBreach',
      this.slaMetric('SlaBreaches', { period: SLA_BREACH_WINDOW.period, statistic: 'Sum' }),
      0,
      {
        what: 'A ticket waited past SLA_ASSIGN_SECONDS for an operator in the last hour (moved to the senior queue)',
        runbook: RUNBOOK_ANCHORS.slaBreach,
      },
      { evaluationPeriods: SLA_BREACH_WINDOW.periods, datapointsToAlarm: 1 },
    );
    this.alarmAbove(
      'FirstResponseP90',
      this.slaMetric('FirstResponseTime', { ...every(5), statistic: 'p90' }),
      FIRST_RESPONSE_P90_MS,
      {
        what: `p90 of the first response to citizens (bot answers, first operator replies) is over ${FIRST_RESPONSE_P90_MS / 1000} s`,
        runbook: RUNBOOK_ANCHORS.firstResponse,
      },
    );
    for (const stage of props.httpStages ?? []) {
      const name = stage.node.id;
      this.alarmAbove(`${name}ServerErrors`, stage.metricServerError({ ...every(5), statistic: 'Sum' }), 0, {
        what: `The HTTP API stage ${name} answered 5xx (its function failed or timed out)`,
        runbook: RUNBOOK_ANCHORS.httpApiServerErrors,
      });
    }
    const operatorQueues = props.operatorQueues ?? [];
    if (operatorQueues.length > 0) {
      this.alarmAbove('OperatorQueueBacklog', oldestOf(operatorQueues), OPERATOR_QUEUE_BACKLOG_SECONDS, {
        what: `A citizen has waited over ${OPERATOR_QUEUE_BACKLOG_SECONDS} s in an operator queue`,
        runbook: RUNBOOK_ANCHORS.operatorQueueBacklog,
      });
    }

    this.dashboard = this.buildDashboard();
  }

  /** One of the functions' EMF metrics (C7), by name, in the namespace and `service` dimension they use. */
  private slaMetric(metricName: string, options: { period: Duration; statistic: string }): Metric {
    const { namespace, service } = this.props.slaMetrics ?? {
      namespace: 'SupportChat',
      service: 'support-chat',
    };
    return new Metric({ namespace, metricName, dimensionsMap: { service }, ...options });
  }

  private alarmAbove(
    id: string,
    metric: IMetric,
    threshold: number,
    text: { readonly what: string; readonly runbook: string },
    evaluation: { readonly evaluationPeriods: number; readonly datapointsToAlarm: number } = {
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    },
  ): void {
    const runbookUrl = this.props.runbookUrl ?? 'docs/runbooks.md';
    const alarm = new Alarm(this, id, {
      alarmName: `${Stack.of(this).stackName}-${id}`,
      alarmDescription: `${text.what}. Runbook: ${runbookUrl}#${text.runbook}`,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...evaluation,
      // No data means no traffic, which is not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.props.onCall.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }

  private buildDashboard(): Dashboard {
    const { functions, stage, botQueue, escalationQueue, deadLetterQueues, botDispatchFailureQueue, tables } =
      this.props;
    const sum = { period: Duration.minutes(5), statistic: 'Sum' };
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
    });
    dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: functions.map((fn) => fn.metricErrors({ ...sum, label: fn.node.id })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: functions.map((fn) => fn.metricThrottles({ ...sum, label: fn.node.id })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration p90 (ms)',
        left: functions.map((fn) =>
          fn.metricDuration({ period: Duration.minutes(5), statistic: 'p90', label: fn.node.id }),
        ),
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'WebSocket API',
        left: ['ConnectCount', 'MessageCount'].map((name) => stage.metric(name, { ...sum, label: name })),
        right: ['IntegrationError', 'ExecutionError', 'ClientError'].map((name) =>
          stage.metric(name, { ...sum, label: name }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Bot and escalation queues',
        left: [
          botQueue.metricApproximateAgeOfOldestMessage({ label: 'oldest bot job (s)' }),
          escalationQueue.metricApproximateAgeOfOldestMessage({ label: 'oldest escalation (s)' }),
        ],
        right: [...deadLetterQueues, botDispatchFailureQueue].map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: queue.node.id }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'DynamoDB throttle events',
        left: tables.map((table) => throttleEvents(table, table.node.id)),
        width: 8,
      }),
    );
    dashboard.addWidgets(...this.slaWidgets());
    return dashboard;
  }

  /** The SLA of C7: first response, time to assignment, resolution, breaches, CSAT, operator queue ages. */
  private slaWidgets(): (GraphWidget | SingleValueWidget)[] {
    const fiveMinutes = Duration.minutes(5);
    const p90 = (name: string, label: string) =>
      this.slaMetric(name, { period: fiveMinutes, statistic: 'p90' }).with({ label });
    const operatorQueues = this.props.operatorQueues ?? [];
    return [
      new GraphWidget({
        title: 'SLA: first response p90 (ms)',
        left: [p90('FirstResponseTime', 'first response p90')],
        leftAnnotations: [{ value: FIRST_RESPONSE_P90_MS, label: '30 s SLA' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'SLA: time to assignment p90 (ms)',
        left: [p90('TimeToAssignment', 'time to assignment p90')],
        leftAnnotations: [{ value: 120_000, label: '2 min SLA' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'SLA: resolution time (s)',
        left: [
          this.slaMetric('ResolutionTime', { period: fiveMinutes, statistic: 'p50' }).with({ label: 'p50' }),
          this.slaMetric('ResolutionTime', { period: fiveMinutes, statistic: 'p90' }).with({ label: 'p90' }),
        ],
        leftAnnotations: [{ value: 15 * 60, label: '15 min typical' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'SLA breaches, escalations and transfers',
        left: [
          this.slaMetric('SlaBreaches', { period: fiveMinutes, statistic: 'Sum' }).with({
            label: 'SLA breaches',
          }),
          this.slaMetric('Escalations', { period: fiveMinutes, statistic: 'Sum' }).with({
            label: 'escalations',
          }),
          this.slaMetric('Transfers', { period: fiveMinutes, statistic: 'Sum' }).with({
            label: 'transfers (to seniors: flagged complex)',
          }),
        ],
        width: 8,
      }),
      new SingleValueWidget({
        title: 'CSAT (average rating, 1–5, last 24 h)',
        metrics: [
          this.slaMetric('CSAT', { period: Duration.days(1), statistic: 'Average' }).with({ label: 'CSAT' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Operator queues: oldest waiting (s)',
        left: operatorQueues.map((queue) =>
          queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: queue.node.id }),
        ),
        leftAnnotations: [{ value: OPERATOR_QUEUE_BACKLOG_SECONDS, label: '120 s' }],
        width: 8,
      }),
    ];
  }
}

/** The oldest message of several queues: one series, so one alarm covers every operator queue. */
function oldestOf(queues: readonly Queue[]): MathExpression {
  const usingMetrics = Object.fromEntries(
    queues.map((queue, i) => [
      `oldest${i}`,
      queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
    ]),
  );
  return new MathExpression({
    expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    period: Duration.minutes(1),
    label: 'oldest in any operator queue (s)',
  });
}

/**
 * Throttled reads plus throttled writes of one table. The per-table throttle events count every
 * operation, where `ThrottledRequests` would need one metric per operation. Metric ids carry the
 * table's name because a dashboard graph shows several tables' expressions side by side.
 */
function throttleEvents(table: Table, label?: string): MathExpression {
  const options = { period: Duration.minutes(5), statistic: 'Sum' };
  const suffix = table.node.id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return new MathExpression({
    expression: `FILL(reads${suffix}, 0) + FILL(writes${suffix}, 0)`,
    usingMetrics: {
      [`reads${suffix}`]: table.metric('ReadThrottleEvents', options),
      [`writes${suffix}`]: table.metric('WriteThrottleEvents', options),
    },
    period: Duration.minutes(5),
    label: label ?? `${table.node.id} throttle events`,
  });
}
