/**
 * What on-call sees: every alarm family over the chat's functions, queues, APIs and tables, and the
 * operations dashboard. Every alarm names its runbook section in docs/runbooks.md.
 */
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmFactory } from './alarm-factory.ts';
import { apiAlarms, functionAlarms, queueAlarms, serviceLevelAlarms, tableAlarms } from './alarms.ts';
import { operationsDashboard } from './dashboard.ts';
import type { WatchedChat } from './watched.ts';

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /** Topic the alarms notify. */
  readonly topic: ITopic;
  /** What is watched. */
  readonly chat: WatchedChat;
  /** Prefix of the alarm and dashboard names (the stage's, e.g. `SupportChat-prod`). */
  readonly namePrefix: string;
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

/** Alarms on functions, queues, APIs and tables, and the dashboard that shows them. */
export class Monitoring extends Construct {
  readonly alarms: readonly Alarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { chat } = props;
    const factory = new AlarmFactory({
      topic: props.topic,
      runbookUrl: props.runbookUrl ?? 'docs/runbooks.md',
      namePrefix: props.namePrefix,
      slaMetrics: props.slaMetrics ?? { namespace: 'SupportChat', service: 'support-chat' },
    });
    functionAlarms(this, factory, chat.functions);
    queueAlarms(this, factory, chat);
    apiAlarms(this, factory, chat.stage, chat.httpStages);
    tableAlarms(this, factory, chat.tables);
    serviceLevelAlarms(this, factory);
    this.alarms = factory.alarms;
    this.dashboard = operationsDashboard(this, `${props.namePrefix}-operations`, chat, factory);
  }
}
