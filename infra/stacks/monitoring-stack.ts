/**
 * What on-call sees, deployed last and replaceable at will: the on-call topic, every alarm and the
 * operations dashboard, over the chat stack's functions, queues and APIs and the data stack's tables,
 * and the hourly SLA report (its function and schedule) that publishes to the same topic.
 */
import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { FunctionSettings } from '../constructs/house-function.ts';
import { Monitoring } from '../constructs/monitoring/monitoring.ts';
import { OnCallTopic } from '../constructs/monitoring/on-call-topic.ts';
import { SlaReport } from '../constructs/monitoring/sla-report.ts';
import type { WatchedChat } from '../constructs/monitoring/watched.ts';
import type { StageName } from '../stage.ts';

/** Properties of {@link MonitoringStack}. */
export interface MonitoringStackProps extends StackProps {
  readonly stage: StageName;
  /** What is watched. */
  readonly watched: WatchedChat;
  /** Prefix of alarm and dashboard names, e.g. `SupportChat-prod`. */
  readonly namePrefix: string;
  /** E-mail subscribed to the on-call topic. */
  readonly alarmEmail?: string;
  /** Where docs/runbooks.md is published. */
  readonly runbookUrl: string;
  /** The settings of the house functions (the SLA report is one). */
  readonly settings: FunctionSettings;
  /** The SLA records and reports (data stack), read by the SLA report. */
  readonly slaTable: Table;
  /** How often the SLA report runs (`slaReportRateMinutes`). */
  readonly slaReportRate: Duration;
}

export class MonitoringStack extends Stack {
  readonly onCall: OnCallTopic;
  readonly monitoring: Monitoring;
  readonly slaReport: SlaReport;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    const {
      stage,
      watched,
      namePrefix,
      alarmEmail,
      runbookUrl,
      settings,
      slaTable,
      slaReportRate,
      ...stackProps
    } = props;
    super(scope, id, {
      description: `Support chat (${stage}): alarms, dashboard and the on-call topic`,
      ...stackProps,
    });
    this.onCall = new OnCallTopic(this, 'OnCall', { alarmEmail });
    this.slaReport = new SlaReport(this, 'Sla', {
      settings,
      slaTable,
      topic: this.onCall.topic,
      topicKey: this.onCall.key,
      rate: slaReportRate,
      runbookUrl,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.onCall.topic,
      // The report's own errors and throttles are watched like the chat's functions.
      chat: { ...watched, functions: [...watched.functions, this.slaReport.function] },
      namePrefix,
      runbookUrl,
    });

    new CfnOutput(this, 'OnCallTopicArn', {
      description: 'SNS topic of every alarm: subscribe the on-call tool to it',
      value: this.onCall.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}
