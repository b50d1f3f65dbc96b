/** The operations dashboard: the state of every alarm, the functions, the API, the queues, the tables and the SLA. */
import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  SingleValueWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { AlarmFactory } from './alarm-factory.ts';
import { throttleEvents } from './alarms.ts';
import {
  FIRST_RESPONSE_P90_MS,
  OPERATOR_QUEUE_BACKLOG_SECONDS,
  TIME_TO_ASSIGNMENT_P90_MS,
  TYPICAL_RESOLUTION_SECONDS,
} from './thresholds.ts';
import type { WatchedChat } from './watched.ts';

/** Builds the dashboard `dashboardName` over `chat`, with the alarms `alarms` made. */
export function operationsDashboard(
  scope: Construct,
  dashboardName: string,
  chat: WatchedChat,
  alarms: AlarmFactory,
): Dashboard {
  const { functions, stage, botQueue, escalationQueue, deadLetterQueues, outboxFailureQueue, tables } = chat;
  const sum = { period: Duration.minutes(5), statistic: 'Sum' };
  const dashboard = new Dashboard(scope, 'Dashboard', { dashboardName });
  dashboard.addWidgets(alarmStatus(alarms.alarms));
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
      right: [...deadLetterQueues, outboxFailureQueue].map((queue) =>
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
  dashboard.addWidgets(...serviceLevelWidgets(chat, alarms));
  return dashboard;
}

function alarmStatus(alarms: readonly Alarm[]): AlarmStatusWidget {
  return new AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 24, height: 6 });
}

/** First response, time to assignment, resolution, breaches, CSAT, operator queue ages. */
function serviceLevelWidgets(chat: WatchedChat, alarms: AlarmFactory): (GraphWidget | SingleValueWidget)[] {
  const fiveMinutes = Duration.minutes(5);
  const metric = (name: string, statistic: string, label: string) =>
    alarms.slaMetric(name, { period: fiveMinutes, statistic }).with({ label });
  return [
    new GraphWidget({
      title: 'SLA: first response p90 (ms)',
      left: [metric('FirstResponseTime', 'p90', 'first response p90')],
      leftAnnotations: [{ value: FIRST_RESPONSE_P90_MS, label: '30 s SLA' }],
      width: 8,
    }),
    new GraphWidget({
      title: 'SLA: time to assignment p90 (ms)',
      left: [metric('TimeToAssignment', 'p90', 'time to assignment p90')],
      leftAnnotations: [{ value: TIME_TO_ASSIGNMENT_P90_MS, label: '2 min SLA' }],
      width: 8,
    }),
    new GraphWidget({
      title: 'SLA: resolution time (s)',
      left: [metric('ResolutionTime', 'p50', 'p50'), metric('ResolutionTime', 'p90', 'p90')],
      leftAnnotations: [{ value: TYPICAL_RESOLUTION_SECONDS, label: '15 min typical' }],
      width: 8,
    }),
    new GraphWidget({
      title: 'SLA breaches, escalations and transfers',
      left: [
        metric('SlaBreaches', 'Sum', 'SLA breaches'),
        metric('Escalations', 'Sum', 'escalations'),
        metric('Transfers', 'Sum', 'transfers (to seniors: flagged complex)'),
      ],
      width: 8,
    }),
    new SingleValueWidget({
      title: 'CSAT (average rating, 1–5, last 24 h)',
      metrics: [
        alarms.slaMetric('CSAT', { period: Duration.days(1), statistic: 'Average' }).with({ label: 'CSAT' }),
      ],
      width: 8,
    }),
    new GraphWidget({
      title: 'Operator queues: oldest waiting (s)',
      left: chat.operatorQueues.map((queue) =>
        queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: queue.node.id }),
      ),
      leftAnnotations: [{ value: OPERATOR_QUEUE_BACKLOG_SECONDS, label: '120 s' }],
      width: 8,
    }),
  ];
}
