/**
 * The alarm families, each a function that adds its alarms to the monitoring construct: functions,
 * queues, the APIs, the tables, and the service levels. Each alarm links its runbook section.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpStage, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type AlarmFactory, every } from './alarm-factory.ts';
import { RUNBOOK_ANCHORS } from './runbooks.ts';
import {
  BOT_BACKLOG_SECONDS,
  BOT_OUTBOX_LAG_MS,
  ESCALATION_BACKLOG_SECONDS,
  FIRST_RESPONSE_P90_MS,
  MISSED_ASSIGNMENTS_PER_15_MIN,
  MISSED_FIRST_REPLIES_PER_15_MIN,
  OPERATOR_QUEUE_BACKLOG_SECONDS,
  RECONCILER_REPAIRS_PER_15_MIN,
  SLA_BREACH_WINDOW,
} from './thresholds.ts';
import type { WatchedChat } from './watched.ts';

/**
 * Errors of every function, named by the function's construct id, and one alarm on Lambda's
 * throttles in the account and region. No function has reserved concurrency: they all draw on the
 * account's pool, so a throttle means that pool (or a function's scaling rate) ran out, every
 * function at once, and the page is one incident, not one per function. The dashboard's
 * `Lambda throttles` widget names the functions. An alarm per function cost $0.10 a month each
 * (44) to page the same incident 44 times (docs/cost.md).
 */
export function functionAlarms(
  scope: Construct,
  alarms: AlarmFactory,
  functions: readonly IFunction[],
): void {
  for (const fn of functions) {
    const name = fn.node.id;
    alarms.above(scope, `${name}Errors`, fn.metricErrors({ ...every(5), statistic: 'Sum' }), 0, {
      what: `${name} failed an invocation`,
      runbook: RUNBOOK_ANCHORS.lambdaErrors,
    });
  }
  // Without dimensions: the sum over every function of the account in this region.
  const throttles = new Metric({
    namespace: 'AWS/Lambda',
    metricName: 'Throttles',
    statistic: 'Sum',
    ...every(5),
  });
  alarms.above(scope, 'LambdaThrottles', throttles, 0, {
    what: 'Lambda refused invocations in this account and region for lack of concurrency',
    runbook: RUNBOOK_ANCHORS.lambdaThrottles,
  });
}

/** Dead letters, the bot and escalation backlogs, the outbox's failures and lag, the operator queues' oldest wait. */
export function queueAlarms(scope: Construct, alarms: AlarmFactory, chat: WatchedChat): void {
  for (const queue of chat.deadLetterQueues) {
    const name = queue.node.id;
    alarms.above(
      scope,
      `${name}NotEmpty`,
      queue.metricApproximateNumberOfMessagesVisible({ ...every(1), statistic: 'Maximum' }),
      0,
      { what: `${name} holds messages that failed every retry`, runbook: RUNBOOK_ANCHORS.deadLetterQueue },
    );
  }
  alarms.above(
    scope,
    'BotQueueBacklog',
    chat.botQueue.metricApproximateAgeOfOldestMessage({ ...every(1), statistic: 'Maximum' }),
    BOT_BACKLOG_SECONDS,
    {
      what: `The oldest bot job waited over ${BOT_BACKLOG_SECONDS} s: citizens get no first response`,
      runbook: RUNBOOK_ANCHORS.botQueueBacklog,
    },
  );
  alarms.above(
    scope,
    'EscalationQueueBacklog',
    chat.escalationQueue.metricApproximateAgeOfOldestMessage({ ...every(1), statistic: 'Maximum' }),
    ESCALATION_BACKLOG_SECONDS,
    {
      what: `The oldest escalation waited over ${ESCALATION_BACKLOG_SECONDS} s: a citizen is waiting for a person`,
      runbook: RUNBOOK_ANCHORS.escalationQueueBacklog,
    },
  );
  alarms.above(
    scope,
    'BotOutboxFailures',
    chat.outboxFailureQueue.metricApproximateNumberOfMessagesVisible({ ...every(1), statistic: 'Maximum' }),
    0,
    {
      what: 'The outbox gave up on stream records: citizen messages whose bot job may never have been queued',
      runbook: RUNBOOK_ANCHORS.botOutboxFailures,
    },
  );
  alarms.above(
    scope,
    'BotOutboxLag',
    chat.outbox.metric('IteratorAge', { ...every(1), statistic: 'Maximum' }),
    BOT_OUTBOX_LAG_MS,
    {
      what: `The outbox is over ${BOT_OUTBOX_LAG_MS / 1000} s behind the messages stream: a message whose send failed waits`,
      runbook: RUNBOOK_ANCHORS.botOutboxLag,
    },
  );
  if (chat.operatorQueues.length > 0) {
    alarms.above(
      scope,
      'OperatorQueueBacklog',
      oldestOf(chat.operatorQueues),
      OPERATOR_QUEUE_BACKLOG_SECONDS,
      {
        what: `A citizen has waited over ${OPERATOR_QUEUE_BACKLOG_SECONDS} s in an operator queue`,
        runbook: RUNBOOK_ANCHORS.operatorQueueBacklog,
      },
    );
  }
}

/** Errors between API Gateway and the functions: the WebSocket stage's, and any 5xx of an HTTP API stage. */
export function apiAlarms(
  scope: Construct,
  alarms: AlarmFactory,
  stage: WebSocketStage,
  httpStages: readonly HttpStage[],
): void {
  alarms.above(
    scope,
    'WebSocketIntegrationErrors',
    stage.metric('IntegrationError', { ...every(5), statistic: 'Sum' }),
    0,
    { what: 'API Gateway got an error from a route function', runbook: RUNBOOK_ANCHORS.integrationErrors },
  );
  alarms.above(
    scope,
    'WebSocketExecutionErrors',
    stage.metric('ExecutionError', { ...every(5), statistic: 'Sum' }),
    0,
    { what: 'API Gateway failed to run a route', runbook: RUNBOOK_ANCHORS.executionErrors },
  );
  for (const httpStage of httpStages) {
    const name = httpStage.node.id;
    alarms.above(
      scope,
      `${name}ServerErrors`,
      httpStage.metricServerError({ ...every(5), statistic: 'Sum' }),
      0,
      {
        what: `The HTTP API stage ${name} answered 5xx (its function failed or timed out)`,
        runbook: RUNBOOK_ANCHORS.httpApiServerErrors,
      },
    );
  }
}

/** Throttled reads or writes of every table. */
export function tableAlarms(scope: Construct, alarms: AlarmFactory, tables: readonly Table[]): void {
  for (const table of tables) {
    alarms.above(scope, `${table.node.id}Throttling`, throttleEvents(table), 0, {
      what: `${table.node.id} throttled reads or writes`,
      runbook: RUNBOOK_ANCHORS.dynamoDbThrottling,
    });
  }
}

/**
 * The service levels: any SLA breach in the last hour, the first response's p90 over 30 s, and
 * operators who leave assignments unaccepted or accepted conversations unanswered.
 */
export function serviceLevelAlarms(scope: Construct, alarms: AlarmFactory): void {
  alarms.above(
    scope,
    'SlaBreach',
    alarms.slaMetric('SlaBreaches', {
      period: Duration.minutes(SLA_BREACH_WINDOW.periodMinutes),
      statistic: 'Sum',
    }),
    0,
    {
      what: 'A ticket waited past SLA_ASSIGN_SECONDS for an operator in the last hour (offered to seniors first)',
      runbook: RUNBOOK_ANCHORS.slaBreach,
    },
    { evaluationPeriods: SLA_BREACH_WINDOW.periods, datapointsToAlarm: 1 },
  );
  alarms.above(
    scope,
    'FirstResponseP90',
    alarms.slaMetric('FirstResponseTime', { ...every(5), statistic: 'p90' }),
    FIRST_RESPONSE_P90_MS,
    {
      what: `p90 of the first response to citizens (bot answers, first operator replies) is over ${FIRST_RESPONSE_P90_MS / 1000} s`,
      runbook: RUNBOOK_ANCHORS.firstResponse,
    },
  );
  alarms.above(
    scope,
    'MissedAssignments',
    alarms.slaMetric('MissedAssignments', { ...every(15), statistic: 'Sum' }),
    MISSED_ASSIGNMENTS_PER_15_MIN,
    {
      what: `Over ${MISSED_ASSIGNMENTS_PER_15_MIN} assignments in 15 minutes were not accepted within ACCEPT_SECONDS (back in line, their operators set away)`,
      runbook: RUNBOOK_ANCHORS.missedAssignments,
    },
  );
  alarms.above(
    scope,
    'MissedFirstReplies',
    alarms.slaMetric('MissedFirstReplies', { ...every(15), statistic: 'Sum' }),
    MISSED_FIRST_REPLIES_PER_15_MIN,
    {
      what: `Over ${MISSED_FIRST_REPLIES_PER_15_MIN} accepted conversations in 15 minutes got no operator reply within FIRST_REPLY_SECONDS`,
      runbook: RUNBOOK_ANCHORS.missedFirstReplies,
    },
  );
  alarms.above(
    scope,
    'ReconcilerRepairs',
    // The total (the series without `kind`); the dashboard and the runbook split it by kind.
    alarms.slaMetric('ReconcilerRepairs', { ...every(15), statistic: 'Sum' }),
    RECONCILER_REPAIRS_PER_15_MIN,
    {
      what: 'The reconciler finished work a crash or a lost message had left undone (a queue entry, a timer, an announcement, an escalation, a ghost operator)',
      runbook: RUNBOOK_ANCHORS.reconcilerRepairs,
    },
  );
}

/** The oldest message of several queues: one series, so one alarm covers every operator queue. */
export function oldestOf(queues: readonly Queue[]): MathExpression {
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
export function throttleEvents(table: Table, label?: string): MathExpression {
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
