/**
 * Deployment stages. One CDK app deploys one stage (`-c stage=dev|prod`); the stage picks the
 * defaults that differ between a developer's account and production, and names the stacks
 * (`SupportChat-<stage>-Data`, `-Chat`, `-Monitoring`), so a dev deploy can never touch prod.
 * Every default here can still be overridden by its own context key (infra/context.ts).
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/**
 * Object Lock default retention of the audit bucket: `COMPLIANCE` (nobody, root included, can delete
 * an export before it ends), `GOVERNANCE` (a holder of `s3:BypassGovernanceRetention` can), `OFF`
 * (the bucket has Object Lock on but no default retention: a dev stage, which `cdk destroy` empties).
 */
export type AuditLockMode = 'COMPLIANCE' | 'GOVERNANCE' | 'OFF';

/** What a stage decides by default. */
export interface StageDefaults {
  /** Steady-state requests per second / burst of the WebSocket stage. */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Requests per second / burst of the portal's feedback API. */
  readonly feedbackRateLimit: number;
  readonly feedbackBurstLimit: number;
  /** `SLA_ASSIGN_SECONDS`: a ticket nobody took within this is an SLA breach, offered to seniors first. */
  readonly slaAssignSeconds: number;
  /** Retention of every log group. */
  readonly logRetention: RetentionDays;
  /** TTL of conversations, messages, internal notes and SLA records. */
  readonly messageRetentionDays: number;
  /** TTL of tickets, from their last change. */
  readonly ticketRetentionDays: number;
  /** TTL of attachments' items and the attachments bucket's lifecycle (their bytes). */
  readonly attachmentRetentionDays: number;
  /** TTL of the access journal's entries. */
  readonly journalRetentionDays: number;
  /** TTL of MFC visits, from the visit's time. */
  readonly visitRetentionDays: number;
  /** Object Lock retention of audit exports, and then their lifecycle expiry. */
  readonly auditExportRetentionDays: number;
  /** Object Lock default retention of the audit bucket ({@link AuditLockMode}). */
  readonly auditLockMode: AuditLockMode;
  /** Sender id of SMS (`AWS.SNS.SMS.SenderID`; 1–11 letters/digits, where the country allows one). */
  readonly smsSenderId: string;
  /**
   * Whether stateful resources (tables, bucket, keys, user pool, secrets) are retained and
   * deletion-protected, and the data stack is termination-protected. Off: `cdk destroy` removes all.
   */
  readonly retainData: boolean;
  /** Whether synth refuses to go on without an `alarmEmail` (nobody would be paged). */
  readonly requireAlarmEmail: boolean;
}

export const STAGE_DEFAULTS: Readonly<Record<StageName, StageDefaults>> = {
  dev: {
    throttlingRateLimit: 50,
    throttlingBurstLimit: 100,
    feedbackRateLimit: 5,
    feedbackBurstLimit: 10,
    slaAssignSeconds: 120,
    logRetention: RetentionDays.TWO_WEEKS,
    messageRetentionDays: 30,
    ticketRetentionDays: 30,
    attachmentRetentionDays: 30,
    journalRetentionDays: 90,
    visitRetentionDays: 30,
    auditExportRetentionDays: 7,
    auditLockMode: 'OFF',
    smsSenderId: 'GosuslugiT',
    retainData: false,
    requireAlarmEmail: false,
  },
  prod: {
    throttlingRateLimit: 500,
    throttlingBurstLimit: 1000,
    feedbackRateLimit: 20,
    feedbackBurstLimit: 50,
    slaAssignSeconds: 120,
    logRetention: RetentionDays.ONE_YEAR,
    messageRetentionDays: 365,
    ticketRetentionDays: 3 * 365,
    attachmentRetentionDays: 365,
    journalRetentionDays: 3 * 365,
    visitRetentionDays: 365,
    auditExportRetentionDays: 5 * 365,
    auditLockMode: 'COMPLIANCE',
    smsSenderId: 'Gosuslugi',
    retainData: true,
    requireAlarmEmail: true,
  },
};

/** The CloudFormation name of one of a stage's stacks. */
export function stackName(stage: StageName, part: 'Data' | 'Chat' | 'Monitoring' | 'Web'): string {
  return `SupportChat-${stage}-${part}`;
}
