/**
 * The one Logger and the one Metrics instance every handler shares (Powertools). Service name,
 * namespace and level come from the POWERTOOLS_* variables the house construct sets; the fallbacks
 * keep tests and scripts that set none readable.
 *
 * Never log message text, phone numbers, e-mails or codes: log ids, codes, counts and durations.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EscalationEvent } from '#events/escalation.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'support-chat';

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SupportChat',
});

/**
 * `Escalations` (C7): one per conversation queued for a person. Reason and category ride along as
 * metadata in their own EMF document, not as dimensions, so the metric stays one series.
 */
export function countEscalation(escalation: Pick<EscalationEvent, 'reason' | 'category'>): void {
  const metric = metrics.singleMetric();
  metric.addMetadata('reason', escalation.reason);
  metric.addMetadata('category', escalation.category);
  metric.addMetric('Escalations', MetricUnit.Count, 1);
}
