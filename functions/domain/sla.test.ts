import { describe, expect, it } from 'vitest';
import {
  compileSlaReport,
  hourKey,
  isBelowTarget,
  reportedHour,
  type SlaAssignmentRecord,
  type SlaBreachRecord,
  slaReportMessage,
} from './sla.ts';

const HOUR = '2026-12-02T06';
const at = (minute: number) => `2026-12-02T06:${String(minute).padStart(2, '0')}:00.000Z`;

function assignment(n: number, fields: Partial<SlaAssignmentRecord> = {}): SlaAssignmentRecord {
  return {
    conversationId: `c-${n}`,
    entryId: `e-${n}`,
    queue: 'auth',
    ticketNumber: `GU-20261202-A${n}`,
    queuedAt: at(n),
    assignedAt: at(n + 1),
    breached: false,
    ...fields,
  };
}

function breach(n: number, fields: Partial<SlaBreachRecord> = {}): SlaBreachRecord {
  return {
    conversationId: `b-${n}`,
    entryId: `f-${n}`,
    queue: 'legal',
    ticketNumber: `GU-20261202-B${n}`,
    queuedAt: at(n),
    breachedAt: at(n + 2),
    ...fields,
  };
}

const now = new Date('2026-12-02T07:00:05.000Z');

describe('the hour a report covers', () => {
  it('is the last full clock hour (UTC) before the run was due, whatever minute it runs at', () => {
    expect(reportedHour(new Date('2026-12-02T07:00:00Z'))).toEqual({
      hour: '2026-12-02T06',
      from: new Date('2026-12-02T06:00:00Z'),
      to: new Date('2026-12-02T07:00:00Z'),
    });
    expect(reportedHour(new Date('2026-12-02T07:59:59.999Z')).hour).toBe('2026-12-02T06');
    expect(reportedHour(new Date('2027-01-01T00:10:00Z')).hour).toBe('2026-12-31T23');
  });

  it('keys records by the hour they happened in', () => {
    expect(hourKey('2026-12-02T06:59:59.999Z')).toBe('2026-12-02T06');
    expect(hourKey(new Date('2026-12-02T07:00:00Z'))).toBe('2026-12-02T07');
  });
});

describe('compileSlaReport', () => {
  it('is on time / (on time + breaches): 3 on time and 1 breach are 75 %, with the breach and its ticket', () => {
    const report = compileSlaReport({
      hour: HOUR,
      assignments: [assignment(1), assignment(2), assignment(3)],
      breaches: [breach(10)],
      slaAssignSeconds: 120,
      now,
    });
    expect(report).toEqual({
      hour: HOUR,
      from: '2026-12-02T06:00:00.000Z',
      to: '2026-12-02T07:00:00.000Z',
      slaAssignSeconds: 120,
      onTime: 3,
      breaches: 1,
      assignedAfterBreach: 0,
      compliancePercent: 75,
      breachList: [
        {
          ticketNumber: 'GU-20261202-B10',
          conversationId: 'b-10',
          queue: 'legal',
          queuedAt: at(10),
          breachedAt: at(12),
        },
      ],
      generatedAt: now.toISOString(),
    });
    expect(isBelowTarget(report)).toBe(true);
  });

  it('does not count the assignment of a breached entry again: its breach already counted', () => {
    const report = compileSlaReport({
      hour: HOUR,
      assignments: [assignment(1), assignment(2, { breached: true })],
      breaches: [breach(20, { conversationId: 'c-2', entryId: 'e-2' })],
      slaAssignSeconds: 120,
      now,
    });
    expect(report).toMatchObject({ onTime: 1, breaches: 1, assignedAfterBreach: 1, compliancePercent: 50 });
  });

  it('leaves out the senior queue (complex cases have no SLA timer)', () => {
    const report = compileSlaReport({
      hour: HOUR,
      assignments: [assignment(1), assignment(2, { queue: 'senior' })],
      breaches: [breach(3, { queue: 'senior' })],
      slaAssignSeconds: 120,
      now,
    });
    expect(report).toMatchObject({ onTime: 1, breaches: 0, compliancePercent: 100, breachList: [] });
    expect(isBelowTarget(report)).toBe(false);
  });

  it('rounds down to 0.01, so anything short of 100 % never reads as 100', () => {
    const twoOfThree = compileSlaReport({
      hour: HOUR,
      assignments: [assignment(1), assignment(2)],
      breaches: [breach(3)],
      slaAssignSeconds: 120,
      now,
    });
    expect(twoOfThree.compliancePercent).toBe(66.66);
    const many = compileSlaReport({
      hour: HOUR,
      assignments: Array.from({ length: 99_999 }, (_, i) => assignment(i)),
      breaches: [breach(1)],
      slaAssignSeconds: 120,
      now,
    });
    expect(many.compliancePercent).toBe(99.99);
  });

  it('is 100 % for an hour with nothing assigned and nothing breached', () => {
    const report = compileSlaReport({
      hour: HOUR,
      assignments: [],
      breaches: [],
      slaAssignSeconds: 120,
      now,
    });
    expect(report).toMatchObject({ onTime: 0, breaches: 0, compliancePercent: 100 });
    expect(isBelowTarget(report)).toBe(false);
  });

  it('lists the breaches oldest first', () => {
    const report = compileSlaReport({
      hour: HOUR,
      assignments: [],
      breaches: [breach(30), breach(5), breach(17)],
      slaAssignSeconds: 120,
      now,
    });
    expect(report.breachList.map((b) => b.ticketNumber)).toEqual([
      'GU-20261202-B5',
      'GU-20261202-B17',
      'GU-20261202-B30',
    ]);
    expect(report.compliancePercent).toBe(0);
  });
});

describe('the on-call message', () => {
  it('names the hour, the per cent and every breach by its ticket number, and links the runbook', () => {
    const report = compileSlaReport({
      hour: HOUR,
      assignments: [assignment(1)],
      breaches: [breach(2), breach(4, { ticketNumber: undefined })],
      slaAssignSeconds: 120,
      now,
    });
    const { subject, text } = slaReportMessage(
      report,
      'https://runbooks.example/runbooks.md#sla-report-below-target',
    );
    expect(subject).toBe('SLA 33.33% for 2026-12-02 06:00-07:00 UTC: 2 breach(es)');
    expect(subject).toMatch(/^[\x20-\x7e]{1,100}$/);
    expect(text).toContain('GU-20261202-B2');
    expect(text).toContain('(no ticket) b-4');
    expect(text).toContain('https://runbooks.example/runbooks.md#sla-report-below-target');
  });
});
