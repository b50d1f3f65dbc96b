/**
 * The hourly SLA report (function SlaReport, docs/requirements.md#sla): invoked by its EventBridge
 * Scheduler schedule (`infra/constructs/schedule.ts`; the local stack runs the same schedule) with
 * `{scheduledTime}`; reports the last full hour before it (`report-sla.ts`): stored once in SlaTable,
 * published to the on-call topic when below 100 %. Logs the hour and the counts, never more.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { DynamoSlaRecords } from '#adapters/dynamodb/sla-records.ts';
import { SnsOnCallChannel } from '#adapters/on-call-publisher.ts';
import { systemClock } from '#adapters/system.ts';
import { reportSla } from '#domain/use-cases/report-sla.ts';
import * as z from '#events/zod.ts';
import { config } from '#shared/config.ts';
import { logger, metrics } from '#shared/observability.ts';

const deps = {
  records: new DynamoSlaRecords({
    slaTable: config.slaTable,
    retentionDays: config.messageRetentionDays,
  }),
  onCall: new SnsOnCallChannel(config.onCallTopicArn),
  clock: systemClock,
  settings: { slaAssignSeconds: config.slaAssignSeconds, runbookUrl: config.slaReportRunbookUrl },
};

/** The schedule's input (`DEFAULT_SCHEDULE_INPUT`): when the run was due. */
const scheduledEventSchema = z.object({ scheduledTime: z.iso.datetime() });

export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown) => {
    const { scheduledTime } = scheduledEventSchema.parse(event);
    const { report, published } = await reportSla(deps, new Date(scheduledTime));
    // `SlaCompliance` (docs/requirements.md#sla): the hour's per cent, once per run (the dashboard's line).
    metrics.addMetric('SlaCompliance', MetricUnit.Percent, report.compliancePercent);
    logger.info('SLA report', {
      hour: report.hour,
      compliancePercent: report.compliancePercent,
      onTime: report.onTime,
      breaches: report.breaches,
      published,
    });
    return { hour: report.hour, compliancePercent: report.compliancePercent, published };
  });
