/**
 * Use case: the hourly SLA report (docs/requirements.md#sla), run by its schedule (EventBridge
 * Scheduler; the same schedule on the local stack).
 *
 * Primary course:
 *  1. The hour reported is the last full clock hour (UTC) before the run was due (`scheduledTime`),
 *     so a late or retried run reports the same hour.
 *  2. The hour's report is read; if there is none, it is compiled from the hour's records (breaches
 *     and assignments, `sla.ts`) and written once: a rerun, or a second run racing this one, finds the
 *     stored report and uses it.
 *  3. Below 100 % (a breach) and not yet told: published to the on-call topic with each breach's
 *     ticket number, then marked published. A rerun after that publishes nothing; a run that failed
 *     between the two publishes again (on-call hears twice rather than never).
 */

import type { OnCallChannel, SlaRecords, StoredSlaReport } from '../ports/sla.ts';
import type { Clock } from '../ports/system.ts';
import { compileSlaReport, isBelowTarget, reportedHour, slaReportMessage } from '../sla.ts';

export interface ReportSlaDeps {
  records: SlaRecords;
  onCall: OnCallChannel;
  clock: Clock;
  settings: { slaAssignSeconds: number; runbookUrl: string };
}

export interface SlaReportOutcome {
  report: StoredSlaReport;
  /** Whether this run told on-call. */
  published: boolean;
}

export async function reportSla(deps: ReportSlaDeps, scheduledTime: Date): Promise<SlaReportOutcome> {
  const { hour } = reportedHour(scheduledTime);
  const report =
    (await deps.records.report(hour)) ??
    (await deps.records.saveReport(
      compileSlaReport({
        hour,
        ...(await deps.records.recordsOf(hour)),
        slaAssignSeconds: deps.settings.slaAssignSeconds,
        now: deps.clock.now(),
      }),
    ));
  if (!isBelowTarget(report) || report.publishedAt !== undefined) return { report, published: false };
  await deps.onCall.publish({ ...slaReportMessage(report, deps.settings.runbookUrl), hour });
  await deps.records.markPublished(hour, deps.clock.now());
  return { report, published: true };
}
