/**
 * The SLA of assignment (docs/requirements.md#sla): each stay of a conversation in a category queue
 * (one queue entry, with its SLA timer) either ends in an assignment within SLA_ASSIGN_SECONDS or
 * breaches — the timer finds it still waiting in that very entry. The hourly report counts both per
 * clock hour (UTC). Pure: the records and the report are stored by `ports/sla.ts`.
 *
 * Compliance of an hour = on time / (on time + breaches), in per cent, where
 * - on time: assignments made in the hour of a category-queue entry that had not breached;
 * - breaches: SLA timers that fired in the hour and found their entry still waiting (each entry once,
 *   whenever it is assigned afterwards: its later assignment is counted as `assignedAfterBreach`,
 *   not again in the ratio);
 * - the senior queue's entries (a case an operator flagged complex) have no SLA timer and do not count;
 * - an hour with neither is 100 %.
 */
import type { Conversation } from './conversations.ts';
import { SENIOR_QUEUE } from './operator-roster.ts';

/** An SLA timer that found its entry still waiting (recorded once per entry). */
export interface SlaBreachRecord {
  conversationId: string;
  entryId: string;
  /** The category queue it waited in. */
  queue: string;
  ticketNumber?: string;
  /** Its place in line (kept from its first wait when it was put back). */
  queuedAt: string;
  breachedAt: string;
}

/** An operator took a waiting entry. */
export interface SlaAssignmentRecord {
  conversationId: string;
  entryId: string;
  /** The queue of the entry (a breached entry taken through the senior queue keeps its category). */
  queue: string;
  ticketNumber?: string;
  queuedAt: string;
  assignedAt: string;
  /** Whether that entry had breached before it was taken. */
  breached: boolean;
  /** Who took it (Cognito `sub`): the assignment's actor in an audit export. */
  operatorId?: string;
}

export interface SlaReport {
  /** The hour reported, `YYYY-MM-DDTHH` (UTC). */
  hour: string;
  from: string;
  to: string;
  slaAssignSeconds: number;
  /** Assignments within SLA (category queues). */
  onTime: number;
  breaches: number;
  /** Assignments in the hour of entries that had breached (in this hour or before). */
  assignedAfterBreach: number;
  /** 100 × onTime / (onTime + breaches), rounded down to 0.01; 100 when both are 0. */
  compliancePercent: number;
  /** Every breach of the hour, oldest first. */
  breachList: {
    ticketNumber?: string;
    conversationId: string;
    queue: string;
    queuedAt: string;
    breachedAt: string;
  }[];
  generatedAt: string;
}

const HOUR_MS = 3_600_000;

/** Whether the conversation's current (or last) stay in a queue breached its SLA. */
export function breachedThisStay(
  conversation: Pick<Conversation, 'queueEntryId' | 'slaBreachedEntryId'>,
): boolean {
  return (
    conversation.slaBreachedEntryId !== undefined &&
    conversation.slaBreachedEntryId === conversation.queueEntryId
  );
}

/** The clock hour (UTC) an instant falls in, as the records' key: `YYYY-MM-DDTHH`. */
export function hourKey(instant: Date | string): string {
  return new Date(instant).toISOString().slice(0, 13);
}

/** The last full clock hour before `scheduledTime`: what a run due then reports. */
export function reportedHour(scheduledTime: Date): { hour: string; from: Date; to: Date } {
  const to = new Date(Math.floor(scheduledTime.getTime() / HOUR_MS) * HOUR_MS);
  const from = new Date(to.getTime() - HOUR_MS);
  return { hour: hourKey(from), from, to };
}

/** Whether a report falls short of the SLA: at least one breach (exact, not the rounded per cent). */
export function isBelowTarget(report: Pick<SlaReport, 'breaches'>): boolean {
  return report.breaches > 0;
}

/** The report of `hour` from its records (`breaches` and `assignments` are those stamped in the hour). */
export function compileSlaReport(input: {
  hour: string;
  breaches: readonly SlaBreachRecord[];
  assignments: readonly SlaAssignmentRecord[];
  slaAssignSeconds: number;
  now: Date;
}): SlaReport {
  const from = new Date(`${input.hour}:00:00.000Z`);
  const counted = input.assignments.filter((a) => a.queue !== SENIOR_QUEUE);
  const onTime = counted.filter((a) => !a.breached).length;
  const breaches = input.breaches.filter((b) => b.queue !== SENIOR_QUEUE);
  const total = onTime + breaches.length;
  return {
    hour: input.hour,
    from: from.toISOString(),
    to: new Date(from.getTime() + HOUR_MS).toISOString(),
    slaAssignSeconds: input.slaAssignSeconds,
    onTime,
    breaches: breaches.length,
    assignedAfterBreach: counted.length - onTime,
    compliancePercent: total === 0 ? 100 : Math.floor((10_000 * onTime) / total) / 100,
    breachList: [...breaches]
      .sort(
        (a, b) =>
          a.breachedAt.localeCompare(b.breachedAt) || a.conversationId.localeCompare(b.conversationId),
      )
      .map((b) => ({
        ...(b.ticketNumber ? { ticketNumber: b.ticketNumber } : {}),
        conversationId: b.conversationId,
        queue: b.queue,
        queuedAt: b.queuedAt,
        breachedAt: b.breachedAt,
      })),
    generatedAt: input.now.toISOString(),
  };
}

/** The on-call message of a report below target: a subject line and a text a person reads. */
export function slaReportMessage(report: SlaReport, runbookUrl: string): { subject: string; text: string } {
  const window = `${report.from.slice(0, 16).replace('T', ' ')}-${report.to.slice(11, 16)} UTC`;
  const subject = `SLA ${report.compliancePercent}% for ${window}: ${report.breaches} breach(es)`;
  const lines = [
    `Assignment SLA (${report.slaAssignSeconds} s) for ${window}: ${report.compliancePercent} %`,
    `On time: ${report.onTime}; breaches: ${report.breaches}; taken after a breach: ${report.assignedAfterBreach}.`,
    '',
    'Breaches (ticket, queue, waiting since, breached at):',
    ...report.breachList.map(
      (b) =>
        `- ${b.ticketNumber ?? `(no ticket) ${b.conversationId}`}  ${b.queue}  ${b.queuedAt}  ${b.breachedAt}`,
    ),
    '',
    `Runbook: ${runbookUrl}`,
  ];
  return { subject, text: lines.join('\n') };
}
