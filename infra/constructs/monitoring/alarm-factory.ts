/**
 * The one way an alarm of the chat is made: "above a threshold", named `<prefix>-<id>`, described
 * by what it means and the runbook section that says what to do, notifying on-call of ALARM and OK,
 * and treating no data (no traffic) as fine.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { RunbookAnchor } from './runbooks.ts';

/** What an alarm says: what happened, and which runbook section handles it. */
export interface AlarmText {
  readonly what: string;
  readonly runbook: RunbookAnchor;
}

/** How many periods are evaluated, and how many must breach. */
export interface AlarmEvaluation {
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** Properties of {@link AlarmFactory}. */
export interface AlarmFactoryProps {
  /** The topic every alarm notifies. */
  readonly topic: ITopic;
  /** Where docs/runbooks.md is published; the description appends `#<section>`. */
  readonly runbookUrl: string;
  /** Prefix of every alarm name (the stage's, e.g. `SupportChat-prod`). */
  readonly namePrefix: string;
  /** The functions' EMF namespace and `service` dimension (Powertools), where the SLA metrics are. */
  readonly slaMetrics: { readonly namespace: string; readonly service: string };
}

/** Makes the alarms, and keeps them for the dashboard's alarm-status widget. */
export class AlarmFactory {
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(private readonly props: AlarmFactoryProps) {
    this.action = new SnsAction(props.topic);
  }

  /** An alarm when `metric` goes above `threshold`. */
  above(
    scope: Construct,
    id: string,
    metric: IMetric,
    threshold: number,
    text: AlarmText,
    evaluation: AlarmEvaluation = { evaluationPeriods: 1, datapointsToAlarm: 1 },
  ): Alarm {
    const alarm = new Alarm(scope, id, {
      alarmName: `${this.props.namePrefix}-${id}`,
      alarmDescription: `${text.what}. Runbook: ${this.props.runbookUrl}#${text.runbook}`,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...evaluation,
      // No data means no traffic, which is not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** One of the functions' EMF metrics, by name, in the namespace and `service` dimension they use. */
  slaMetric(metricName: string, options: { period: Duration; statistic: string }): Metric {
    const { namespace, service } = this.props.slaMetrics;
    return new Metric({ namespace, metricName, dimensionsMap: { service }, ...options });
  }
}

/** A period of `minutes` minutes, for metric options. */
export const every = (minutes: number) => ({ period: Duration.minutes(minutes) });
