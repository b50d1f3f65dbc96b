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
  // Its messages through the one logger (JSON, its level), not raw to stdout; "no application metrics
  // to publish" at debug: most invocations of a route that can record a metric record none, and a
  // warning line for each was noise in the logs (and their bill).
  logger: {
    debug: (...content: unknown[]) => logger.debug(String(content[0])),
    info: (...content: unknown[]) => logger.info(String(content[0])),
    warn: (...content: unknown[]) =>
      String(content[0]).startsWith('No application metrics')
        ? logger.debug(String(content[0]))
        : logger.warn(String(content[0])),
    error: (...content: unknown[]) => logger.error(String(content[0])),
  },
});

/**
 * `Escalations` (docs/requirements.md#sla): one per conversation queued for a person. Reason and category ride along as
 * metadata in their own EMF document, not as dimensions, so the metric stays one series.
 */
export function countEscalation(escalation: Pick<EscalationEvent, 'reason' | 'category'>): void {
  const metric = metrics.singleMetric();
  metric.addMetadata('reason', escalation.reason);
  metric.addMetadata('category', escalation.category);
  metric.addMetric('Escalations', MetricUnit.Count, 1);
}

/**
 * `ResolutionTime` (docs/requirements.md#sla): seconds from a ticket's creation to its final status (completed or
 * rejected). Status and category ride along as metadata, so the metric stays one series.
 */
export function recordTicketResolution(resolution: {
  seconds: number;
  status: string;
  category: string;
}): void {
  const metric = metrics.singleMetric();
  metric.addMetadata('status', resolution.status);
  metric.addMetadata('category', resolution.category);
  metric.addMetric('ResolutionTime', MetricUnit.Seconds, resolution.seconds);
}

/** `CSAT` (docs/requirements.md#sla, docs/requirements.md#feedback): one citizen's rating of a completed ticket, 1–5 (average it over a period). */
export function recordCsat(feedback: { rating: number; category: string }): void {
  const metric = metrics.singleMetric();
  metric.addMetadata('category', feedback.category);
  metric.addMetric('CSAT', MetricUnit.NoUnit, feedback.rating);
}

/**
 * Assignment metrics (docs/requirements.md#sla): `TimeToAssignment` (ms from joining the waiting line to an operator taking
 * it) and `SlaBreaches` (a conversation nobody took within SLA_ASSIGN_SECONDS; the docs/requirements.md#alarms alarm watches
 * it), `MissedAssignments` (an assignment not accepted within ACCEPT_SECONDS) and `MissedFirstReplies`
 * (an accepted conversation without an operator reply within FIRST_REPLY_SECONDS). The queue rides
 * along as metadata, so each metric stays one series.
 */
export const assignmentMetrics = {
  assigned(queue: string, waitedMs: number): void {
    const metric = metrics.singleMetric();
    metric.addMetadata('queue', queue);
    metric.addMetric('TimeToAssignment', MetricUnit.Milliseconds, waitedMs);
  },
  slaBreached(queue: string): void {
    const metric = metrics.singleMetric();
    metric.addMetadata('queue', queue);
    metric.addMetric('SlaBreaches', MetricUnit.Count, 1);
  },
  missedAssignment(queue: string): void {
    const metric = metrics.singleMetric();
    metric.addMetadata('queue', queue);
    metric.addMetric('MissedAssignments', MetricUnit.Count, 1);
  },
  missedFirstReply(queue: string): void {
    const metric = metrics.singleMetric();
    metric.addMetadata('queue', queue);
    metric.addMetric('MissedFirstReplies', MetricUnit.Count, 1);
  },
  announcementFailed(step: string, conversationId: string, error: unknown): void {
    logger.error('a step after an assignment failed; the assignment stands', { step, conversationId, error });
  },
};

/**
 * `ReconcilerRepairs` (docs/architecture.md, "The reconciler"): what the reconciler had to finish,
 * each a fault that happened. Emitted twice: with the dimension `kind` (which repair: the dashboard
 * and the runbook) and without it (the total, one series for the alarm).
 */
export const reconcilerMetrics = {
  repaired(kind: string, count: number): void {
    const byKind = metrics.singleMetric();
    byKind.addDimension('kind', kind);
    byKind.addMetric('ReconcilerRepairs', MetricUnit.Count, count);
    metrics.singleMetric().addMetric('ReconcilerRepairs', MetricUnit.Count, count);
  },
};

/**
 * Identification metrics (docs/requirements.md#identification): `OneTimeCodes` per code handed to SNS/SES (channel as metadata; a
 * surge without `Identifications` following is SMS pumping or a guessing attack, and SMS costs
 * money) and `Identifications` per verified session. Never a destination, code or token.
 */
export const identificationMetrics = {
  codeSent(channel: string): void {
    const metric = metrics.singleMetric();
    metric.addMetadata('channel', channel);
    metric.addMetric('OneTimeCodes', MetricUnit.Count, 1);
  },
  verified(): void {
    metrics.singleMetric().addMetric('Identifications', MetricUnit.Count, 1);
  },
};
