/**
 * Audit and personal data, the running half (docs/architecture.md, "Audit and personal data"): the
 * functions the platform team invokes with IAM (no route, no trigger: `aws lambda invoke`, see
 * docs/runbooks.md) — AuditExport (an export for a regulator, written to the audit bucket) and
 * PrivacyErase (a citizen's erasure) — both recording themselves in the access journal; and the
 * citizens' own download, the route `transcript.get`. The audit
 * bucket, its key and the journal table are the data stack's.
 */
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { AttachmentStore } from './attachments.ts';
import type { AuditStore } from './audit-store.ts';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, type HouseFunction, handlerFunctions } from './house-function.ts';
import type { IdentificationKeys } from './identification.ts';
import { grantEndpointRevocation } from './push-endpoints.ts';
import type { AssignmentQueues } from './queues.ts';
import type { Realtime } from './realtime.ts';

/** An export or an erasure reads whole tables (Scan): minutes, not the routes' seconds. */
export const PLATFORM_FUNCTION_TIMEOUT = Duration.minutes(15);

/** Properties of {@link Audit}. */
export interface AuditProps {
  readonly settings: FunctionSettings;
  readonly tables: ChatTables;
  readonly store: AuditStore;
  readonly attachments: AttachmentStore;
  readonly keys: IdentificationKeys;
  readonly realtime: Realtime;
  /** Assignment: an erased conversation an operator held frees their slot (`allowRelease`). */
  readonly assignmentQueues: AssignmentQueues;
}

export class Audit extends Construct {
  readonly export: HouseFunction;
  readonly erase: HouseFunction;
  /** Route `transcript.get`: a verified citizen's own conversations and tickets. */
  readonly transcript: HouseFunction;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const { settings, tables, store, attachments, keys, realtime, assignmentQueues } = props;
    const fn = handlerFunctions(this, settings);

    // Reads what an export holds (a period is a Scan of conversations and tickets); writes the
    // export and its journal entry; reads the journal for a journal export.
    this.export = fn(
      'AuditExport',
      'audit-export',
      'Exports conversations, tickets or the access journal for a regulator',
      PLATFORM_FUNCTION_TIMEOUT,
    )
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read', { scan: true })
      .useTable('MESSAGES_TABLE', tables.messages, 'read')
      .useTable('NOTES_TABLE', tables.notes, 'read')
      .useTable('TICKETS_TABLE', tables.tickets, 'read', { scan: true })
      .useTable('ATTACHMENTS_TABLE', tables.attachments, 'read')
      .useTable('SLA_TABLE', tables.sla, 'read')
      .useTable('ACCESS_JOURNAL_TABLE', tables.accessJournal, 'read')
      .useTable('ACCESS_JOURNAL_TABLE', tables.accessJournal, 'append')
      .useAuditBucket(store.bucket, store.key);

    // Finds a citizen by the keyed hashes of their phone or e-mail, then removes or anonymises
    // what is theirs in every table that can hold it, their uploads, and their push endpoints.
    this.erase = fn(
      'PrivacyErase',
      'privacy-erase',
      "Erases a citizen's personal data (phone or e-mail)",
      PLATFORM_FUNCTION_TIMEOUT,
    )
      .useTable('SESSIONS_TABLE', tables.sessions, 'readWrite', { scan: true })
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'readWrite', { scan: true })
      .useTable('MESSAGES_TABLE', tables.messages, 'readWrite')
      .useTable('NOTES_TABLE', tables.notes, 'readWrite')
      .useTable('TICKETS_TABLE', tables.tickets, 'readWrite')
      .useTable('ATTACHMENTS_TABLE', tables.attachments, 'readWrite')
      .useTable('PUSH_DEVICES_TABLE', tables.pushDevices, 'readWrite')
      .useTable('VERIFICATION_CODES_TABLE', tables.verificationCodes, 'write')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite', { scan: true })
      .useTable('LIMITS_TABLE', tables.limits, 'readWrite', { scan: true })
      // The citizen's MFC visits (index byCitizen; a booked one gives its place back as a cancel
      // does) and their quotas of every service (a Scan by key prefix: a quota has no index).
      .useTable('VISITS_TABLE', tables.visits, 'readWrite', { scan: true })
      .useTable('ACCESS_JOURNAL_TABLE', tables.accessJournal, 'append')
      .useSecret('AUTH_CODE_SECRET_ID', keys.codeKey)
      .useSecret('AUTH_HMAC_SECRET_ID', keys.hmacKey)
      .useAttachmentErasure(attachments.bucket)
      .useConnectionsApi(realtime.api, realtime.stage, { close: true });
    // Closes the citizen's open conversations as a ticket's final move does: the slot of the
    // operator who held one is freed and the assignment told (OperatorsTable, the timer queue).
    assignmentQueues.allowRelease(this.erase);
    // A citizen's own transcript: their tickets and conversations read, the page put for a day.
    this.transcript = fn(
      'TranscriptGet',
      'transcript-get',
      'Hands a verified citizen their own conversations and tickets',
    )
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useTable('MESSAGES_TABLE', tables.messages, 'read')
      .useTable('TICKETS_TABLE', tables.tickets, 'read')
      .useTable('ATTACHMENTS_TABLE', tables.attachments, 'read')
      .useTranscripts(attachments.bucket, attachments.key);
    realtime.addRoute('transcript.get', this.transcript);

    grantEndpointRevocation(this.erase);
  }

  get functions(): HouseFunction[] {
    // The transcript route is one of `realtime.functions` (addRoute).
    return [this.export, this.erase];
  }
}
