/**
 * The resources of the production app that cost by the month, counted in its synthesized templates
 * (every stack): what docs/cost.md prices as fixed costs. Synthesized without bundling
 * (test/infra/synth.ts), as the infrastructure tests do.
 */
import { basename } from 'node:path';
import { synthesizeApp } from '../infra/synth.ts';
import type { FixedResources } from './cost-model.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };

const MINUTES_PER_MONTH = 60 * 24 * 30;

/** The metrics an alarm reads: its one metric, or each `MetricStat` of its metric math expression. */
function metricsRead(alarm: Resource): number {
  const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
  return metrics ? metrics.filter((query) => query.MetricStat !== undefined).length : 1;
}

export function countFixedResources(): FixedResources {
  const { templates } = synthesizeApp();
  const resources = Object.values(templates).flatMap((template) =>
    Object.values((template.toJSON() as { Resources?: Record<string, Resource> }).Resources ?? {}),
  );
  const queueIds = new Set(
    Object.values(templates).flatMap((template) =>
      Object.entries((template.toJSON() as { Resources?: Record<string, Resource> }).Resources ?? {})
        .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
        .map(([id]) => id),
    ),
  );
  const ofType = (type: string) => resources.filter((r) => r.Type === type);
  const fromQueue = (mapping: Resource) => {
    const source = mapping.Properties?.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined;
    return queueIds.has(source?.['Fn::GetAtt']?.[0] ?? '');
  };
  const runsPerMonth = (schedule: Resource) => {
    const expression = String(schedule.Properties?.ScheduleExpression ?? '');
    const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (!match) throw new Error(`a schedule the cost model cannot count: ${expression}`);
    const minutes =
      Number(match[1]) * (match[2]?.startsWith('hour') ? 60 : match[2]?.startsWith('day') ? 1440 : 1);
    return MINUTES_PER_MONTH / minutes;
  };
  const entries = Object.values(templates).flatMap((template) =>
    Object.entries(
      (template.toJSON() as { Resources?: Record<string, Resource & { Metadata?: Record<string, unknown> }> })
        .Resources ?? {},
    ),
  );
  const tracedIds = new Set(
    entries
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .filter(([, r]) => (r.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active')
      .map(([id]) => id),
  );
  const tracedFunctions = entries
    .filter(([id]) => tracedIds.has(id))
    .map(([, r]) => basename(String(r.Metadata?.['local:entry'] ?? ''), '.ts'))
    .sort();
  const targetsTraced = (schedule: Resource) => {
    const target = schedule.Properties?.Target as { Arn?: { 'Fn::GetAtt'?: [string, string] } } | undefined;
    return tracedIds.has(target?.Arn?.['Fn::GetAtt']?.[0] ?? '');
  };
  const schedules = ofType('AWS::Scheduler::Schedule');
  return {
    tracedFunctions,
    tracedScheduledRunsPerMonth: schedules.filter(targetsTraced).reduce((n, s) => n + runsPerMonth(s), 0),
    alarms: ofType('AWS::CloudWatch::Alarm').length,
    alarmMetrics: ofType('AWS::CloudWatch::Alarm').reduce((n, alarm) => n + metricsRead(alarm), 0),
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    kmsKeys: ofType('AWS::KMS::Key').length,
    secrets: ofType('AWS::SecretsManager::Secret').length,
    sqsEventSourceMappings: ofType('AWS::Lambda::EventSourceMapping').filter(fromQueue).length,
    scheduledRunsPerMonth: schedules.reduce((n, s) => n + runsPerMonth(s), 0),
  };
}
