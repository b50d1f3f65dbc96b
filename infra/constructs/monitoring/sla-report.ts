/**
 * The hourly SLA report (docs/requirements.md#sla): the function SlaReport, run by an EventBridge
 * Scheduler schedule of its own (`FunctionSchedule`), reading the SLA records of SlaTable (the data
 * stack's) and publishing to the on-call topic.
 *
 * It lives in the monitoring stack, beside the topic: the monitoring stack already depends on the
 * chat and data stacks (it watches them), so a function there may read a data-stack table and publish
 * to its own topic without the chat stack ever referring to the monitoring stack (no cycle).
 */
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type FunctionSettings, HouseFunction } from '../house-function.ts';
import { FunctionSchedule } from '../schedule.ts';
import { RUNBOOK_ANCHORS } from './runbooks.ts';

/** The variable that shortens the report's period on the local stack (seconds). */
export const SLA_REPORT_PERIOD_ENV = 'SLA_REPORT_PERIOD_SECONDS';

/** Properties of {@link SlaReport}. */
export interface SlaReportProps {
  readonly settings: FunctionSettings;
  /** The SLA records and reports (data stack). */
  readonly slaTable: Table;
  /** The on-call topic, and the KMS key it is encrypted with. */
  readonly topic: ITopic;
  readonly topicKey: IKey;
  /** How often the report runs (context `slaReportRateMinutes`; each run reports the last full hour). */
  readonly rate: Duration;
  /** Where docs/runbooks.md is published. */
  readonly runbookUrl: string;
}

export class SlaReport extends Construct {
  readonly function: HouseFunction;
  readonly schedule: FunctionSchedule;

  constructor(scope: Construct, id: string, props: SlaReportProps) {
    super(scope, id);
    this.function = new HouseFunction(this, 'SlaReport', {
      entry: 'functions/handlers/sla-report.ts',
      description:
        "Hourly SLA report: the last hour's compliance and breaches, stored; on-call told below 100 %",
      settings: props.settings,
      timeout: Duration.seconds(60),
    })
      .useTable('SLA_TABLE', props.slaTable, 'readWrite')
      .useOnCallTopic(props.topic, props.topicKey);
    this.function.addEnvironment(
      'SLA_REPORT_RUNBOOK_URL',
      `${props.runbookUrl}#${RUNBOOK_ANCHORS.slaReport}`,
    );
    this.schedule = new FunctionSchedule(this, 'Schedule', {
      target: this.function,
      rate: props.rate,
      description: 'Runs the SLA report of the last full hour',
      localRateEnv: SLA_REPORT_PERIOD_ENV,
    });
  }
}
