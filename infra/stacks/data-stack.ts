/**
 * What holds data, apart from what can be replaced at will: the tables, the attachments bucket and
 * its key, the identification secrets and the operators' user pool. Nothing here runs code, so a
 * deploy of the chat or monitoring stacks can never replace a table. In production every resource
 * is retained and deletion-protected, and the stack is termination-protected; in a dev stage
 * `cdk destroy` removes it all.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AttachmentStore } from '../constructs/attachments.ts';
import { AuditStore } from '../constructs/audit-store.ts';
import { ChatTables, type ChatTablesProps } from '../constructs/data.ts';
import { IdentificationKeys } from '../constructs/identification.ts';
import { OperatorPool } from '../constructs/operator-pool.ts';
import type { AuditLockMode, StageName } from '../stage.ts';

/** Properties of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  readonly stage: StageName;
  /** Whether data outlives the stack (production). */
  readonly retainData: boolean;
  /** Days attachments are kept (the attachments bucket's lifecycle). */
  readonly attachmentRetentionDays: number;
  /** Days an audit export is locked (Object Lock) and then kept. */
  readonly auditExportRetentionDays: number;
  /** Object Lock mode of the audit bucket. */
  readonly auditLockMode: AuditLockMode;
  /** Origins whose pages post attachments straight to the bucket (the portal's, the web stack's). */
  readonly uploadOrigins?: readonly string[];
  /** The tables' indexes as after this step of their upgrade ({@link ChatTablesProps.indexStep}). */
  readonly indexStep?: number;
}

export class DataStack extends Stack {
  readonly tables: ChatTables;
  readonly attachments: AttachmentStore;
  readonly audit: AuditStore;
  readonly identificationKeys: IdentificationKeys;
  readonly operatorPool: OperatorPool;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    const {
      stage,
      retainData,
      attachmentRetentionDays,
      auditExportRetentionDays,
      auditLockMode,
      uploadOrigins,
      indexStep,
      ...stackProps
    } = props;
    super(scope, id, {
      description: `Support chat (${stage}): data: tables, attachments, identification keys, operators' user pool`,
      terminationProtection: retainData,
      ...stackProps,
    });
    const tables: ChatTablesProps = { retainData, ...(indexStep === undefined ? {} : { indexStep }) };
    this.tables = new ChatTables(this, 'Data', tables);
    this.attachments = new AttachmentStore(this, 'Attachments', {
      retentionDays: attachmentRetentionDays,
      retainData,
      ...(uploadOrigins === undefined ? {} : { uploadOrigins }),
    });
    this.audit = new AuditStore(this, 'Audit', {
      retentionDays: auditExportRetentionDays,
      lockMode: auditLockMode,
      retainData,
      accessLogsBucket: this.attachments.accessLogsBucket,
    });
    this.identificationKeys = new IdentificationKeys(this, 'IdentificationKeys', { retainData });
    this.operatorPool = new OperatorPool(this, 'Operators', {
      userPoolName: `support-chat-${stage}-operators`,
      retainData,
    });
  }
}
