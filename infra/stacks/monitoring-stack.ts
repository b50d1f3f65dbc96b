/**
 * What on-call sees, deployed last and replaceable at will: the on-call topic, every alarm and the
 * operations dashboard, over the chat stack's functions, queues and APIs and the data stack's tables.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Monitoring } from '../constructs/monitoring/monitoring.ts';
import { OnCallTopic } from '../constructs/monitoring/on-call-topic.ts';
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
}

export class MonitoringStack extends Stack {
  readonly onCall: OnCallTopic;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    const { stage, watched, namePrefix, alarmEmail, runbookUrl, ...stackProps } = props;
    super(scope, id, {
      description: `Support chat (${stage}): alarms, dashboard and the on-call topic`,
      ...stackProps,
    });
    this.onCall = new OnCallTopic(this, 'OnCall', { alarmEmail });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.onCall.topic,
      chat: watched,
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
